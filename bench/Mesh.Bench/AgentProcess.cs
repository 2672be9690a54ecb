using System.Globalization;

namespace Mesh.Bench;

/// <summary>A <c>mesh agent</c> on free loopback ports, started from the mesh.dll built beside the harness.</summary>
internal sealed class AgentProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly ServerProcess _server;

    private AgentProcess(ServerProcess server, int port)
    {
        _server = server;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        Http = BenchHttp.Create(BaseAddress, 2, TimeSpan.FromSeconds(2));
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public int Pid => _server.Pid;

    /// <summary>A client for the harness's own small requests (readiness, polling), at most 2 s each.</summary>
    public HttpClient Http { get; }

    /// <summary>A <c>mesh agent -dev</c>, ready once it has elected itself.</summary>
    public static async Task<AgentProcess> StartAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        var port = FreePort.Next();
        var agent = Launch("the mesh agent", _ => ["-dev", "-http-port", port.ToString(CultureInfo.InvariantCulture), "-dns-port", "-1", "-log-level", "warn"], port);
        try
        {
            await agent.WaitReadyAsync(
                // The leader's address, not "".
                async token => (await agent.Http.GetStringAsync(new Uri("/v1/status/leader", UriKind.Relative), token).ConfigureAwait(false)).Trim().Length > 2,
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

    /// <summary>
    /// Starts <c>mesh agent</c> with <paramref name="flags"/> (given its scratch directory, e.g. for -data-dir) and returns
    /// at once; <paramref name="httpPort"/> must be the -http-port among them.
    /// </summary>
    public static AgentProcess Launch(
        string name, Func<DirectoryInfo, IEnumerable<string>> flags, int httpPort, IReadOnlyDictionary<string, string>? environment = null)
    {
        var meshDll = Path.Combine(AppContext.BaseDirectory, "mesh.dll");
        if (!File.Exists(meshDll))
        {
            throw new BenchException($"{name} cannot start: {meshDll} is missing (dotnet build bench/Mesh.Bench -c Release)");
        }
        var server = ServerProcess.Start(name, DotnetHost(), scratch => [meshDll, "agent", .. flags(scratch)], environment);
        return new AgentProcess(server, httpPort);
    }

    /// <summary>Polls <paramref name="ready"/> until it holds; fails in one line if the agent exits or does not get there in 30 s.</summary>
    public Task WaitReadyAsync(Func<CancellationToken, Task<bool>> ready, TimeProvider time, CancellationToken cancellationToken) =>
        _server.WaitReadyAsync(ready, StartTimeout, time, cancellationToken);

    public void EnsureRunning() => _server.EnsureRunning();

    /// <summary>kill -9.</summary>
    public void Kill() => _server.Kill();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _server.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The dotnet host running the harness (under `dotnet run` the harness is its apphost), else the one on PATH.</summary>
    internal static string DotnetHost()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }
        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
    }
}
