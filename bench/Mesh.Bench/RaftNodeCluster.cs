namespace Mesh.Bench;

/// <summary>Three Mesh.Raft.Node processes on free loopback ports, a fresh cluster with fsynced logs; ready once a leader is known to all.</summary>
internal sealed class RaftNodeCluster : IReplicatedCluster
{
    private const int Members = 3;

    private readonly RaftNodeProcess[] _nodes;

    private RaftNodeCluster(RaftNodeProcess[] nodes) => _nodes = nodes;

    public string Column => "mesh-raft";

    public string Header => $"mesh Raft engine: {Members} Mesh.Raft.Node processes, fsync";

    public IKvTarget Leader { get; private set; } = null!;

    public static async Task<RaftNodeCluster> StartAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        var ports = Enumerable.Range(1, Members).Select(i => (Id: $"s{i}", Raft: FreePort.Next(), Http: FreePort.Next())).ToArray();
        var peers = string.Join(',', ports.Select(p => $"{p.Id}=127.0.0.1:{p.Raft}"));
        var nodes = new List<RaftNodeProcess>();
        try
        {
            foreach (var (id, raft, http) in ports)
            {
                nodes.Add(RaftNodeProcess.Launch(id, raft, http, peers));
            }
        }
        catch
        {
            await Task.WhenAll(nodes.Select(n => n.DisposeAsync().AsTask())).ConfigureAwait(false);
            throw;
        }
        var cluster = new RaftNodeCluster([.. nodes]);
        try
        {
            RaftNodeProcess? leader = null;
            await nodes[0].WaitReadyAsync(
                async token =>
                {
                    // A node that died names itself rather than leaving the wait to time out.
                    cluster.EnsureRunning();
                    var statuses = await Task.WhenAll(nodes.Select(n => n.StatusAsync(token))).ConfigureAwait(false);
                    // Two may say so for a moment (an old leader that has not heard of the new term yet).
                    var leaders = statuses.Where(s => s.Role == "leader").Select(s => s.Id).ToList();
                    leader = leaders.Count == 1 && statuses.All(s => s.Leader == leaders[0]) ? nodes.Single(n => n.Id == leaders[0]) : null;
                    return leader is not null;
                },
                time,
                cancellationToken).ConfigureAwait(false);
            cluster.Leader = new RaftIncrementTarget(leader!.BaseAddress);
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return cluster;
    }

    public async Task<IReadOnlyList<SyncSample>> SampleAsync(CancellationToken cancellationToken)
    {
        var statuses = await Task.WhenAll(_nodes.Select(n => n.StatusAsync(cancellationToken))).ConfigureAwait(false);
        return [.. statuses.Select(s => new SyncSample(s.Id, s.Role == "leader", s.LogSyncs, s.LastLogIndex))];
    }

    public void EnsureRunning()
    {
        foreach (var node in _nodes)
        {
            node.EnsureRunning();
        }
    }

    public async ValueTask DisposeAsync() =>
        await Task.WhenAll(_nodes.Select(n => n.DisposeAsync().AsTask())).ConfigureAwait(false);
}
