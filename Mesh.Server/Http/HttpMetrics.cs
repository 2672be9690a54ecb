using System.Diagnostics.Metrics;

namespace Mesh.Server.Http;

/// <summary>The <c>mesh.http</c> meter: how long each API route takes.</summary>
internal sealed class HttpMetrics
{
    public const string MeterName = "mesh.http";
    public const string DurationName = "mesh.http.request.duration";

    private readonly Histogram<double> _duration;

    public HttpMetrics(IMeterFactory? meterFactory)
    {
        // Without a factory (a host that registered none) the meter lives as long as the process, like the API.
        var meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _duration = meter.CreateHistogram<double>(DurationName, unit: "s", description: "Duration of Consul API requests.");
    }

    public void Record(string route, string method, int statusCode, TimeSpan elapsed)
    {
        if (!_duration.Enabled)
        {
            return;
        }
        _duration.Record(
            elapsed.TotalSeconds,
            new KeyValuePair<string, object?>("http.route", route),
            new KeyValuePair<string, object?>("http.request.method", method),
            new KeyValuePair<string, object?>("http.response.status_code", statusCode));
    }
}
