using System.Globalization;
using System.Net.Http.Json;
using Mesh.Server.Tests.Process;

namespace Mesh.Sidecar.Tests.Harness;

/// <summary>
/// A whole mesh on loopback: a real `mesh agent -dev` with the services registered from a config directory,
/// in-test apps for "dashboard" and for each "counting" instance, and a real Mesh.Sidecar process beside each.
/// The test plays the dashboard app: it calls <see cref="Upstream"/>, dashboard's outbound listener for counting.
/// </summary>
internal sealed class TestMesh : IAsyncDisposable
{
    private readonly string _configDir;
    private readonly List<IAsyncDisposable> _owned = [];

    private readonly AgentPorts _agentPorts;
    private readonly string[] _agentArgs;

    private TestMesh(string configDir, AgentProcess agent, AgentPorts agentPorts, string[] agentArgs, int upstreamPort)
    {
        _configDir = configDir;
        _agentPorts = agentPorts;
        _agentArgs = agentArgs;
        Agent = agent;
        UpstreamPort = upstreamPort;
        Upstream = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{upstreamPort}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public AgentProcess Agent { get; private set; }

    public int UpstreamPort { get; }

    /// <summary>Dashboard's outbound listener for counting: plain HTTP in, mTLS to a counting sidecar out.</summary>
    public HttpClient Upstream { get; }

    public SidecarProcess Dashboard { get; private set; } = null!;

    /// <summary>Dashboard's sidecar's public (mTLS) port.</summary>
    public int DashboardPublicPort { get; private init; }

    public List<CountingInstance> Counting { get; } = [];

    /// <param name="dashboardByProxyId">Start dashboard's sidecar as `-proxy-id`, the agent's address from the environment.</param>
    /// <param name="otlpEndpoint">Where the sidecars export their telemetry (OTLP/gRPC, as under Aspire), exporting every 200 ms.</param>
    /// <param name="protocol">Both sidecars' <c>proxy.config.protocol</c>: http (the HTTP path these tests mostly test), or tcp (the L4 relay).</param>
    /// <param name="countingApp">Starts the app behind each counting sidecar on the port it is given; null for the HTTP <see cref="TestApp"/>.</param>
    public static async Task<TestMesh> StartAsync(
        int countingInstances = 1, bool dashboardByProxyId = false, string? otlpEndpoint = null, string protocol = "http",
        Func<string, Task<IAppBehindSidecar>>? countingApp = null)
    {
        var configDir = Directory.CreateTempSubdirectory("mesh-sidecar-test-").FullName;
        var dashboardApp = await TestApp.StartAsync("dashboard");
        var countingApps = new List<IAppBehindSidecar>();
        for (var i = 1; i <= countingInstances; i++)
        {
            countingApps.Add(countingApp is null ? await TestApp.StartAsync($"counting-{i}") : await countingApp($"counting-{i}"));
        }
        var upstreamPort = MeshProcess.StablePort();
        var dashboardPublic = MeshProcess.StablePort();
        var config = $"config {{ protocol = \"{protocol}\" }}\n";
        await File.WriteAllTextAsync(Path.Combine(configDir, "dashboard.hcl"), Service("dashboard", "dashboard", dashboardApp.Port, dashboardPublic,
            config + $"upstreams = [{{ destination_name = \"counting\"\n local_bind_port = {upstreamPort} }}]"));
        var countingPublic = new List<int>();
        for (var i = 0; i < countingInstances; i++)
        {
            countingPublic.Add(MeshProcess.StablePort());
            await File.WriteAllTextAsync(Path.Combine(configDir, $"counting-{i + 1}.hcl"),
                Service("counting", $"counting-{i + 1}", countingApps[i].Port, countingPublic[i], config));
        }
        var ports = AgentPorts.Free();
        string[] agentArgs = ["-dev", "-config-dir", configDir, "-dns-port", Text(MeshProcess.StablePort())];
        var agent = await AgentProcess.StartAsync(ports, agentArgs);
        var mesh = new TestMesh(configDir, agent, ports, agentArgs, upstreamPort) { DashboardPublicPort = dashboardPublic };
        var telemetry = otlpEndpoint is null ? null : new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlpEndpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
        };
        mesh._owned.Add(dashboardApp);
        mesh._owned.AddRange(countingApps);
        try
        {
            for (var i = 0; i < countingInstances; i++)
            {
                var sidecar = await SidecarProcess.StartAsync($"counting-{i + 1}", ports.Grpc, environment: telemetry);
                mesh._owned.Add(sidecar);
                mesh.Counting.Add(new CountingInstance(countingApps[i], sidecar, countingPublic[i]));
            }
            mesh.Dashboard = await SidecarProcess.StartAsync("dashboard", ports.Grpc, dashboardByProxyId, telemetry);
            mesh._owned.Add(mesh.Dashboard);
        }
        catch
        {
            await mesh.DisposeAsync();
            throw;
        }
        return mesh;
    }

    public int GrpcPort => _agentPorts.Grpc;

    public async Task StopAgentAsync() => await Agent.KillAsync();

    /// <summary>A new -dev agent on the same ports and config: in memory, so with a new CA and no intentions.</summary>
    public async Task RestartAgentAsync()
    {
        await Agent.DisposeAsync();
        Agent = await AgentProcess.StartAsync(_agentPorts, _agentArgs);
    }

    /// <summary>Writes an L4 intention through the agent's HTTP API, as `mesh intention create` does.</summary>
    public async Task SetIntentionAsync(string source, string destination, string action)
    {
        using var response = await Agent.Http.PutAsJsonAsync(
            $"/v1/connect/intentions/exact?source={source}&destination={destination}", new { Action = action });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>A GET through dashboard's upstream listener: the status code, or 0 when the connection failed.</summary>
    public async Task<(int Status, string Body, HttpResponseMessage? Response)> GetAsync(string path = "/")
    {
        try
        {
            var response = await Upstream.GetAsync(path);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response);
        }
        catch (HttpRequestException e)
        {
            return (0, e.Message, null);
        }
    }

    /// <summary>Waits until a request through the upstream gets <paramref name="status"/>.</summary>
    public Task WaitForStatusAsync(int status, TimeSpan timeout) => Eventually.TrueAsync(
        async () => (await GetAsync()).Status == status, timeout, () => $"upstream never answered {status}\n{Logs()}");

    public string Logs() =>
        $"--- dashboard sidecar\n{Dashboard?.Output}\n" + string.Concat(Counting.Select(c => $"--- {c.App.Name} sidecar\n{c.Sidecar.Output}\n"))
        + $"--- agent\n{Agent.Output}";

    public async ValueTask DisposeAsync()
    {
        Upstream.Dispose();
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }
        await Agent.DisposeAsync();
        Directory.Delete(_configDir, recursive: true);
    }

    // A TCP check every second: an instance is healthy (and in the snapshot) soon after its sidecar listens.
    private static string Service(string name, string id, int appPort, int publicPort, string proxy) => $$"""
        service {
          name = "{{name}}"
          id = "{{id}}"
          port = {{appPort}}
          connect {
            sidecar_service {
              port = {{publicPort}}
              check {
                tcp = "127.0.0.1:{{publicPort}}"
                interval = "1s"
              }
              proxy {
                {{proxy}}
              }
            }
          }
        }
        """;

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One instance of counting: its app, its sidecar and the sidecar's public (mTLS) port.</summary>
internal sealed record CountingInstance(IAppBehindSidecar App, SidecarProcess Sidecar, int PublicPort);

/// <summary>An app a sidecar fronts: <see cref="TestApp"/> (HTTP) or <see cref="EchoApp"/> (raw TCP).</summary>
internal interface IAppBehindSidecar : IAsyncDisposable
{
    string Name { get; }

    int Port { get; }

    /// <summary>Requests (HTTP) or connections (TCP) it has served.</summary>
    int Requests { get; }
}
