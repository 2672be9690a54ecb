using System.Diagnostics.Metrics;
using System.Net;
using Mesh.Server.Http;

namespace Mesh.Server.Tests.Http;

public sealed class StatusEndpointTests
{
    [Fact]
    public async Task Leader_and_peers_are_server_addresses()
    {
        await using var api = await TestApi.StartAsync();
        api.Cluster.Peers = ["10.0.0.1:8300", "10.0.0.2:8300"];

        Assert.Equal("\"127.0.0.1:8300\"", (await api.GetJsonAsync("/v1/status/leader")).GetRawText());
        Assert.Equal("""["10.0.0.1:8300","10.0.0.2:8300"]""", (await api.GetJsonAsync("/v1/status/peers")).GetRawText());

        api.Cluster.Leader = "";
        api.Cluster.KnownLeader = false;
        Assert.Equal("\"\"", (await api.GetJsonAsync("/v1/status/leader")).GetRawText());
        Assert.Equal(HttpStatusCode.InternalServerError, (await api.GetAsync("/v1/status/leader?dc=dc2")).StatusCode);
    }

    [Fact]
    public async Task Request_durations_are_measured_by_route()
    {
        var routes = new List<(string? Route, int? Status)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == HttpMetrics.MeterName && instrument.Name == HttpMetrics.DurationName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            string? route = null;
            int? status = null;
            foreach (var tag in tags)
            {
                route = tag.Key == "http.route" ? tag.Value as string : route;
                status = tag.Key == "http.response.status_code" ? tag.Value as int? : status;
            }
            lock (routes)
            {
                routes.Add((route, status));
            }
        });
        listener.Start();
        await using var api = await TestApi.StartAsync();

        (await api.GetAsync("/v1/kv/metrics-probe")).Dispose();

        // Recorded as the request ends, which may be just after the client has its answer.
        await Eventually.TrueAsync(
            () =>
            {
                lock (routes)
                {
                    return routes.Contains(("/v1/kv/{**key}", 404));
                }
            },
            "the request's duration on its route");
    }
}
