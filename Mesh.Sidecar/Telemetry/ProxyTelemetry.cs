using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;

namespace Mesh.Sidecar.Telemetry;

/// <summary>The proxy's spans and metrics, under one name that OpenTelemetry is told to collect.</summary>
public static class ProxyTelemetry
{
    public const string Name = "Mesh.Proxy";
    public const string Inbound = "inbound";
    public const string Outbound = "outbound";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Requests = Meter.CreateCounter<long>("mesh.proxy.requests", description: "Requests the proxy handled");

    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("mesh.proxy.duration", unit: "s", description: "Time from a request's arrival to its forwarded response");

    public static readonly Counter<long> Denied = Meter.CreateCounter<long>("mesh.proxy.authz.denied", description: "Connections and requests intentions refused");

    public static readonly UpDownCounter<long> ActiveConnections = Meter.CreateUpDownCounter<long>("mesh.proxy.connections.active", description: "Open downstream connections");

    public static readonly Counter<long> Bytes = Meter.CreateCounter<long>("mesh.proxy.bytes", unit: "By", description: "Bytes the L4 (tcp) listeners relayed, both ways");

    /// <summary>A request's span, continuing the caller's trace (W3C trace context) when hosting has not already.</summary>
    public static Activity? StartRequest(string name, ActivityKind kind, HttpContext context)
    {
        if (!Source.HasListeners())
        {
            return null;
        }
        if (Activity.Current is not null)
        {
            return Source.StartActivity(name, kind);
        }
        DistributedContextPropagator.Current.ExtractTraceIdAndState(context.Request.Headers,
            static (carrier, field, out value, out values) =>
            {
                values = null;
                value = ((IHeaderDictionary)carrier!)[field].ToString();
            },
            out var traceParent, out var traceState);
        ActivityContext.TryParse(traceParent, traceState, out var parent);
        return Source.StartActivity(name, kind, parent);
    }

    public static void Record(string direction, string? upstream, int statusCode, long startTimestamp)
    {
        var tags = new TagList
        {
            { "direction", direction },
            { "upstream", upstream },
            { "status_code", statusCode },
        };
        Requests.Add(1, tags);
        Duration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, tags);
    }
}
