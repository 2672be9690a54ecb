using System.Globalization;
using System.Net;

namespace Mesh.Bench;

/// <summary>
/// The proxy rows' mesh: a <c>mesh agent -dev</c> with "counting" and "dashboard" registered from a config directory
/// (each with a sidecar_service, dashboard's with an upstream for counting), and a Mesh.Sidecar process for each.
/// The harness plays the dashboard app: it calls <see cref="BaseAddress"/>, dashboard's upstream listener, which
/// forwards over mTLS to counting's sidecar, which forwards to the app.
/// </summary>
internal sealed class SidecarPair : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly AgentProcess _agent;
    private readonly List<ServerProcess> _sidecars = [];
    private readonly DirectoryInfo _config;

    private SidecarPair(AgentProcess agent, DirectoryInfo config, int upstreamPort)
    {
        _agent = agent;
        _config = config;
        BaseAddress = new Uri($"http://127.0.0.1:{Text(upstreamPort)}/");
    }

    /// <summary>Dashboard's upstream listener for counting: plain HTTP in, mTLS out.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Starts everything and waits until a GET through the upstream reaches the app on <paramref name="appPort"/>.</summary>
    /// <param name="protocol">Both sidecars' <c>proxy.config.protocol</c>: http (YARP, per-request) or tcp (the L4 relay).</param>
    public static async Task<SidecarPair> StartAsync(int appPort, string protocol, TimeProvider time, CancellationToken cancellationToken)
    {
        var sidecarDll = Path.Combine(AppContext.BaseDirectory, "Mesh.Sidecar.dll");
        if (!File.Exists(sidecarDll))
        {
            throw new BenchException($"the sidecars cannot start: {sidecarDll} is missing (dotnet build bench/Mesh.Bench -c Release)");
        }
        var config = Directory.CreateTempSubdirectory("mesh-bench-proxy-");
        var upstreamPort = FreePort.Next();
        var protocolConfig = $"config {{ protocol = \"{protocol}\" }}\n";
        File.WriteAllText(Path.Combine(config.FullName, "counting.hcl"), Service("counting", appPort, FreePort.Next(), protocolConfig));
        File.WriteAllText(Path.Combine(config.FullName, "dashboard.hcl"), Service("dashboard", FreePort.Next(), FreePort.Next(),
            protocolConfig + $"upstreams = [{{ destination_name = \"counting\"\n local_bind_port = {Text(upstreamPort)} }}]"));
        var http = FreePort.Next();
        var grpc = FreePort.Next();
        var agent = AgentProcess.Launch(
            "the mesh agent",
            _ => ["-dev", "-http-port", Text(http), "-grpc-port", Text(grpc), "-dns-port", "-1", "-server-port", Text(FreePort.Next()),
                "-serf-lan-port", Text(FreePort.Next()), "-config-dir", config.FullName, "-log-level", "warn"],
            http);
        var pair = new SidecarPair(agent, config, upstreamPort);
        try
        {
            await agent.WaitReadyAsync(
                async token => (await agent.Http.GetStringAsync(new Uri("/v1/status/leader", UriKind.Relative), token).ConfigureAwait(false)).Trim().Length > 2,
                time,
                cancellationToken).ConfigureAwait(false);
            await pair.StartSidecarAsync(sidecarDll, "counting", grpc, time, cancellationToken).ConfigureAwait(false);
            var dashboard = await pair.StartSidecarAsync(sidecarDll, "dashboard", grpc, time, cancellationToken).ConfigureAwait(false);
            // Counting is in dashboard's snapshot once its sidecar's TCP check has passed.
            using var probe = BenchHttp.Create(pair.BaseAddress, 1, TimeSpan.FromSeconds(2));
            await dashboard.WaitReadyAsync(
                async token =>
                {
                    pair.EnsureRunning();
                    using var response = await probe.GetAsync(new Uri("/", UriKind.Relative), token).ConfigureAwait(false);
                    return response.StatusCode == HttpStatusCode.OK;
                },
                StartTimeout,
                time,
                cancellationToken).ConfigureAwait(false);
            return pair;
        }
        catch
        {
            await pair.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The two sidecars' processes (counting's, dashboard's).</summary>
    public IReadOnlyList<int> ProxyPids => [.. _sidecars.Select(s => s.Pid)];

    public void EnsureRunning()
    {
        _agent.EnsureRunning();
        _sidecars.ForEach(s => s.EnsureRunning());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var sidecar in Enumerable.Reverse(_sidecars))
        {
            await sidecar.DisposeAsync().ConfigureAwait(false);
        }
        await _agent.DisposeAsync().ConfigureAwait(false);
        _config.Delete(recursive: true);
    }

    /// <summary>A sidecar for <paramref name="serviceId"/> as the sidecar tests start it (logging warnings only), once its /ready says 200.</summary>
    private async Task<ServerProcess> StartSidecarAsync(string dll, string serviceId, int grpc, TimeProvider time, CancellationToken cancellationToken)
    {
        var admin = new Uri($"http://127.0.0.1:{Text(FreePort.Next())}/");
        var sidecar = ServerProcess.Start(
            $"the {serviceId} sidecar",
            AgentProcess.DotnetHost(),
            _ => [dll, "-sidecar-for", serviceId, "-grpc-addr", $"127.0.0.1:{Text(grpc)}", "-admin-bind", $"{admin.Host}:{Text(admin.Port)}", "-log-level", "warn"]);
        _sidecars.Add(sidecar);
        using var probe = BenchHttp.Create(admin, 1, TimeSpan.FromSeconds(2));
        await sidecar.WaitReadyAsync(
            async token =>
            {
                using var response = await probe.GetAsync(new Uri("/ready", UriKind.Relative), token).ConfigureAwait(false);
                return response.StatusCode == HttpStatusCode.OK;
            },
            StartTimeout,
            time,
            cancellationToken).ConfigureAwait(false);
        return sidecar;
    }

    // The service id is its name; a TCP check on the sidecar's public port puts the instance in its peers' snapshots.
    private static string Service(string name, int appPort, int publicPort, string proxy) => $$"""
        service {
          name = "{{name}}"
          id = "{{name}}"
          port = {{Text(appPort)}}
          connect {
            sidecar_service {
              port = {{Text(publicPort)}}
              check {
                tcp = "127.0.0.1:{{Text(publicPort)}}"
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
