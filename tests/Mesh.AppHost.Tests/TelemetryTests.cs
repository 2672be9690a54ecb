using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;

namespace Mesh.AppHost.Tests;

/// <summary>What the Aspire dashboard would show, read from the collector every resource exports to.</summary>
[Collection(AppHostCollection.Name)]
public sealed class TelemetryTests(AppHostFixture fixture, ITestOutputHelper output)
{
    private static readonly string[] TracedServices = ["dashboard", "dashboard-sidecar", "counting-sidecar", "counting"];

    [Fact]
    public async Task A_count_through_the_mesh_is_one_trace_from_the_dashboard_through_both_sidecars_to_counting()
    {
        using var dashboard = new HttpClient { BaseAddress = fixture.App.GetEndpoint("dashboard", "http"), Timeout = TimeSpan.FromSeconds(10) };
        var traceId = await DemoDatacenterTests.UntilAsync(() => TracedCountAsync(dashboard), id => id is not null, "a traced count");
        output.WriteLine($"trace {traceId}");

        var traceBytes = Convert.FromHexString(traceId!);
        var seen = await DemoDatacenterTests.UntilAsync(
            () => Task.FromResult(fixture.Telemetry.ServicesInTrace(traceBytes, TracedServices)),
            services => services.Count == TracedServices.Length,
            $"spans of trace {traceId} from {string.Join(", ", TracedServices)}");
        Assert.Equal(TracedServices, seen);
    }

    [Theory]
    [InlineData("dc1-server-1", "mesh.raft.commit_index")]
    [InlineData("dc1-server-2", "mesh.raft.applied_index")]
    [InlineData("dc1-server-3", "mesh.gossip.members")]
    [InlineData("counting-agent", "mesh.gossip.probe.duration")]
    [InlineData("dashboard-sidecar", "mesh.proxy.requests")]
    [InlineData("counting-sidecar", "mesh.proxy.duration")]
    public async Task Raft_gossip_and_proxy_metrics_reach_the_collector(string service, string metric)
    {
        using var dashboard = new HttpClient { BaseAddress = fixture.App.GetEndpoint("dashboard", "http"), Timeout = TimeSpan.FromSeconds(10) };
        // Proxy metrics need traffic through the sidecars.
        await DemoDatacenterTests.UntilAsync(() => dashboard.GetAsync("/api/count"), r => r.StatusCode == HttpStatusCode.OK, "a count");
        await DemoDatacenterTests.UntilAsync(
            () => Task.FromResult(fixture.Telemetry.MetricsContain(service, metric)), exported => exported, $"{metric} from {service}");
    }

    /// <summary>Asks for a count under a fresh trace; the trace id when it succeeded.</summary>
    private static async Task<string?> TracedCountAsync(HttpClient dashboard)
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/count");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var response = await dashboard.SendAsync(request);
        return response.StatusCode == HttpStatusCode.OK ? traceId : null;
    }
}
