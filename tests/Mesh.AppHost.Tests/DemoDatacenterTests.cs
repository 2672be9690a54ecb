using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit.Abstractions;

namespace Mesh.AppHost.Tests;

[Collection(AppHostCollection.Name)]
public sealed class DemoDatacenterTests(AppHostFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public void Every_resource_becomes_healthy()
    {
        output.WriteLine($"all {AppHostFixture.Resources.Length} resources healthy {fixture.TimeToHealthy.TotalSeconds:F1} s after start");
        foreach (var resource in AppHostFixture.Resources)
        {
            Assert.True(fixture.App.ResourceNotifications.TryGetCurrentState(resource, out var state), resource);
            Assert.Equal(HealthStatus.Healthy, state.Snapshot.HealthStatus);
        }
    }

    [Fact]
    public async Task The_dashboard_gets_counts_through_the_mesh()
    {
        using var dashboard = Dashboard();
        var first = await CountAsync(dashboard);
        var second = await CountAsync(dashboard);
        Assert.True(second > first, $"{second} after {first}");

        // The dashboard reaches counting through its sidecar's upstream listener, which its agent registered.
        using var agent = Agent("dashboard-agent");
        using var services = await agent.GetFromJsonAsync<JsonDocument>("/v1/agent/services");
        var upstream = services!.RootElement.GetProperty("dashboard-sidecar-proxy").GetProperty("Proxy").GetProperty("Upstreams")[0];
        Assert.Equal("counting", upstream.GetProperty("DestinationName").GetString());
        Assert.Equal(5000, upstream.GetProperty("LocalBindPort").GetInt32());
    }

    [Fact]
    public async Task Denying_the_intention_makes_counting_unreachable_until_it_is_allowed_again()
    {
        using var dashboard = Dashboard();
        using var server = Agent("dc1-server-1");
        await CountAsync(dashboard);
        try
        {
            await SetIntentionAsync(server, "deny");
            var refused = await UntilAsync(() => ReadingAsync(dashboard), r => r.Status == HttpStatusCode.BadGateway, "a 502 after the deny");
            Assert.Equal("Counting service is unreachable", refused.Body.RootElement.GetProperty("error").GetString());
        }
        finally
        {
            await SetIntentionAsync(server, "allow");
        }
        await UntilAsync(() => ReadingAsync(dashboard), r => r.Status == HttpStatusCode.OK, "a count after the allow");
    }

    [Fact]
    public async Task The_datacenter_commands_deny_and_allow_the_intention()
    {
        using var dashboard = Dashboard();
        await CountAsync(dashboard);
        try
        {
            var denied = await fixture.App.ResourceCommands.ExecuteCommandAsync("dc1", "mesh-intention-deny-dashboard-counting");
            Assert.True(denied.Success, denied.Message);
            await UntilAsync(() => ReadingAsync(dashboard), r => r.Status == HttpStatusCode.BadGateway, "a 502 after the deny command");
        }
        finally
        {
            var allowed = await fixture.App.ResourceCommands.ExecuteCommandAsync("dc1", "mesh-intention-allow-dashboard-counting");
            Assert.True(allowed.Success, allowed.Message);
        }
        await UntilAsync(() => ReadingAsync(dashboard), r => r.Status == HttpStatusCode.OK, "a count after the allow command");
    }

    [Fact]
    public async Task A_kv_write_reaches_the_dashboard_s_configuration_without_a_restart()
    {
        using var dashboard = Dashboard();
        using var server = Agent("dc1-server-2");
        var title = $"Counts {Guid.NewGuid():N}";

        using (var put = await server.PutAsync("/v1/kv/config/dashboard/Dashboard/Title", new StringContent(title)))
        {
            put.EnsureSuccessStatusCode();
        }

        var shown = await UntilAsync(
            async () => (await dashboard.GetFromJsonAsync<JsonDocument>("/api/settings"))!.RootElement.GetProperty("title").GetString(),
            t => t == title,
            "the new title");
        Assert.Equal(title, shown);
    }

    [Fact]
    public async Task The_config_directory_s_service_definitions_are_in_the_catalog()
    {
        using var server = Agent("dc1-server-3");
        // AppHost/mesh.d/legacy-billing.hcl, loaded by each of the three servers.
        var nodes = await UntilAsync(
            async () => (await server.GetFromJsonAsync<JsonElement[]>("/v1/catalog/service/legacy-billing?tag=external"))!,
            entries => entries.Length == 3,
            "legacy-billing on the three servers");
        Assert.All(nodes, node =>
        {
            Assert.StartsWith("dc1-server-", node.GetProperty("Node").GetString());
            Assert.Equal(9090, node.GetProperty("ServicePort").GetInt32());
            Assert.Equal("payments", node.GetProperty("ServiceMeta").GetProperty("owner").GetString());
        });
    }

    private HttpClient Dashboard() => new() { BaseAddress = fixture.App.GetEndpoint("dashboard", "http"), Timeout = TimeSpan.FromSeconds(10) };

    private HttpClient Agent(string resource) => new() { BaseAddress = fixture.App.GetEndpoint(resource, "http"), Timeout = TimeSpan.FromSeconds(10) };

    private static async Task<long> CountAsync(HttpClient dashboard)
    {
        var reading = await UntilAsync(() => ReadingAsync(dashboard), r => r.Status == HttpStatusCode.OK, "a count");
        return reading.Body.RootElement.GetProperty("count").GetInt64();
    }

    private static async Task<Reading> ReadingAsync(HttpClient dashboard)
    {
        using var response = await dashboard.GetAsync("/api/count");
        return new Reading(response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()));
    }

    private static async Task SetIntentionAsync(HttpClient server, string action)
    {
        using var response = await server.PutAsJsonAsync("/v1/connect/intentions/exact?source=dashboard&destination=counting", new { Action = action });
        response.EnsureSuccessStatusCode();
    }

    internal static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        var last = default(T);
        while (!deadline.IsCancellationRequested)
        {
            last = await probe();
            if (done(last))
            {
                return last;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
        }
        throw new TimeoutException($"no {what} within {Deadline.TotalSeconds} s; last: {last}");
    }

    private sealed record Reading(HttpStatusCode Status, JsonDocument Body)
    {
        public override string ToString() => $"{(int)Status} {Body.RootElement}";
    }
}
