using System.Globalization;

namespace Mesh.Bench;

/// <summary>A <c>mesh agent -dev</c> on a free loopback port, started from the mesh.dll built beside the harness.</summary>
internal sealed class AgentProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly ServerProcess _server;

    private AgentProcess(ServerProcess server, int port)
    {
        _server = server;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public int Pid => _server.Pid;

    public static async Task<AgentProcess> StartAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        var meshDll = Path.Combine(AppContext.BaseDirectory, "mesh.dll");
        if (!File.Exists(meshDll))
        {
            throw new BenchException($"the mesh agent cannot start: {meshDll} is missing (dotnet build bench/Mesh.Bench -c Release)");
        }
        var port = FreePort.Next();
        var server = ServerProcess.Start("the mesh agent", DotnetHost(), _ =>
            [meshDll, "agent", "-dev", "-http-port", port.ToString(CultureInfo.InvariantCulture), "-log-level", "warn"]);
        var agent = new AgentProcess(server, port);
        try
        {
            using var probe = BenchHttp.Create(agent.BaseAddress, 1, TimeSpan.FromSeconds(2));
            // Ready once it has elected itself: the leader's address, not "".
            await server.WaitReadyAsync(
                async token => (await probe.GetStringAsync(new Uri("/v1/status/leader", UriKind.Relative), token).ConfigureAwait(false)).Trim().Length > 2,
                StartTimeout,
                time,
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await agent.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return agent;
    }

    public void EnsureRunning() => _server.EnsureRunning();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    /// <summary>The dotnet host running the harness (under `dotnet run` the harness is its apphost), else the one on PATH.</summary>
    private static string DotnetHost()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }
        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
    }
}
