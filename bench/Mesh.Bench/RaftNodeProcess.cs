using System.Globalization;
using System.Net.Http.Json;

namespace Mesh.Bench;

/// <summary>/status of a Raft node, the fields the harness reads.</summary>
internal sealed record RaftNodeStatus(string Id, string Role, string? Leader, long LogSyncs, ulong LastLogIndex);

/// <summary>One Mesh.Raft.Node process (the Raft engine with a counter), from the Mesh.Raft.Node.dll built beside the harness.</summary>
internal sealed class RaftNodeProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly ServerProcess _server;

    private RaftNodeProcess(string id, ServerProcess server, int httpPort)
    {
        Id = id;
        _server = server;
        BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/");
        Http = BenchHttp.Create(BaseAddress, 2, TimeSpan.FromSeconds(2));
    }

    public string Id { get; }

    public Uri BaseAddress { get; }

    /// <summary>A client for the harness's own small requests (readiness, status), at most 2 s each.</summary>
    public HttpClient Http { get; }

    /// <summary>Starts the node with its data directory in its scratch directory, and returns at once.</summary>
    public static RaftNodeProcess Launch(string id, int raftPort, int httpPort, string peers)
    {
        var nodeDll = Path.Combine(AppContext.BaseDirectory, "Mesh.Raft.Node.dll");
        if (!File.Exists(nodeDll))
        {
            throw new BenchException($"Raft node {id} cannot start: {nodeDll} is missing (dotnet build bench/Mesh.Bench -c Release)");
        }
        var server = ServerProcess.Start($"Raft node {id}", AgentProcess.DotnetHost(), scratch =>
        [
            nodeDll,
            "--id", id,
            "--data-dir", Path.Combine(scratch.FullName, "data"),
            "--raft-port", raftPort.ToString(CultureInfo.InvariantCulture),
            "--http-port", httpPort.ToString(CultureInfo.InvariantCulture),
            "--peers", peers,
        ]);
        return new RaftNodeProcess(id, server, httpPort);
    }

    /// <summary>Polls <paramref name="ready"/> until it holds; fails in one line if the node exits or does not get there in 30 s.</summary>
    public Task WaitReadyAsync(Func<CancellationToken, Task<bool>> ready, TimeProvider time, CancellationToken cancellationToken) =>
        _server.WaitReadyAsync(ready, StartTimeout, time, cancellationToken);

    public async Task<RaftNodeStatus> StatusAsync(CancellationToken cancellationToken) =>
        await Http.GetFromJsonAsync<RaftNodeStatus>(new Uri("/status", UriKind.Relative), cancellationToken).ConfigureAwait(false)
            ?? throw new BenchException($"Raft node {Id} answered /status with nothing");

    public void EnsureRunning() => _server.EnsureRunning();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _server.DisposeAsync().ConfigureAwait(false);
    }
}
