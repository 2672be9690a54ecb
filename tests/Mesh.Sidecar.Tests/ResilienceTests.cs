using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mesh.Server.Tests.Process;
using Mesh.Sidecar.Tests.Harness;

namespace Mesh.Sidecar.Tests;

/// <summary>The sidecar against its agent going away, configuration it cannot serve, and listeners that change.</summary>
public sealed class ResilienceTests
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ItServesTheLastConfigurationWhileTheAgentIsDownAndReconnects()
    {
        await using var mesh = await TestMesh.StartAsync();
        await mesh.WaitForStatusAsync(200, Startup);

        await mesh.StopAgentAsync();
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(200, (await mesh.GetAsync()).Status);
        }

        // The new agent has a new CA and no intentions: a deny written there reaches the proxies only if they reconnected.
        await mesh.RestartAgentAsync();
        await mesh.SetIntentionAsync("dashboard", "counting", "deny");
        await Eventually.TrueAsync(async () => (await mesh.GetAsync()).Status is 502 or 503, Startup, mesh.Logs);
        await mesh.SetIntentionAsync("dashboard", "counting", "allow");
        await mesh.WaitForStatusAsync(200, Startup);
    }

    [Fact]
    public async Task ItIsNotReadyUntilItHasAConfiguration()
    {
        await using var mesh = await TestMesh.StartAsync();
        var adminBind = $"127.0.0.1:{MeshProcess.StablePort()}";
        var process = System.Diagnostics.Process.Start(SidecarProcess.StartInfo([
            "-sidecar-for", "nobody", "-grpc-addr", $"127.0.0.1:{mesh.GrpcPort}", "-admin-bind", adminBind,
        ]))!;
        using var admin = new HttpClient { BaseAddress = new Uri($"http://{adminBind}") };
        try
        {
            HttpStatusCode? ready = null;
            await Eventually.TrueAsync(async () =>
            {
                try
                {
                    using var response = await admin.GetAsync("/ready");
                    ready = response.StatusCode;
                    return true;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, Startup, () => "the admin listener never answered");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready);
            using var health = await admin.GetAsync("/health");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.False(process.HasExited);

            // The control: the same admin endpoint of a configured sidecar says ready.
            using var configured = await mesh.Dashboard.Admin.GetAsync("/ready");
            Assert.Equal(HttpStatusCode.OK, configured.StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    [Fact]
    public async Task AnUpstreamMovedToAnotherPortMovesItsListenerWithoutARestart()
    {
        await using var mesh = await TestMesh.StartAsync();
        await mesh.WaitForStatusAsync(200, Startup);
        var dashboard = await mesh.Agent.Http.GetFromJsonAsync<Dictionary<string, JsonElement>>("/v1/agent/service/dashboard");
        var sidecar = await mesh.Agent.Http.GetFromJsonAsync<Dictionary<string, JsonElement>>("/v1/agent/service/dashboard-sidecar-proxy");
        var newPort = MeshProcess.StablePort();

        using (var put = await mesh.Agent.Http.PutAsJsonAsync("/v1/agent/service/register", new
        {
            Name = "dashboard",
            ID = "dashboard",
            Port = dashboard!["Port"].GetInt32(),
            Connect = new
            {
                SidecarService = new
                {
                    Port = sidecar!["Port"].GetInt32(),
                    Proxy = new { Upstreams = new[] { new { DestinationName = "counting", LocalBindPort = newPort } } },
                },
            },
        }))
        {
            put.EnsureSuccessStatusCode();
        }

        using var moved = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{newPort}") };
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                using var response = await moved.GetAsync("/");
                return response.StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, Startup, mesh.Logs);
        await Eventually.TrueAsync(async () => (await mesh.GetAsync()).Status == 0, Startup, () => $"the old listener is still up\n{mesh.Logs()}");
    }
}
