using System.Diagnostics;
using Mesh.Server.Tests.Process;
using Xunit.Sdk;

namespace Mesh.Server.Tests.Consensus.Process;

/// <summary>Three Raft node processes on loopback, each with its own ports and data directory under one temp root.</summary>
internal sealed class RaftNodeCluster : IAsyncDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("raft-node-");

    public RaftNodeCluster(int size, params string[] raftFlags)
    {
        var ports = Enumerable.Range(1, size).Select(i => (Id: $"s{i}", Raft: MeshProcess.StablePort(), Http: MeshProcess.StablePort())).ToList();
        var peers = string.Join(',', ports.Select(p => $"{p.Id}=127.0.0.1:{p.Raft}"));
        Nodes = [.. ports.Select(p => new RaftNodeProcess(p.Id, p.Raft, p.Http, Path.Combine(_root.FullName, p.Id), peers, raftFlags))];
    }

    public IReadOnlyList<RaftNodeProcess> Nodes { get; }

    public static TimeSpan Deadline { get; } = TimeSpan.FromSeconds(30);

    public async Task StartAsync(params RaftNodeProcess[] nodes)
    {
        foreach (var node in nodes)
        {
            node.Start();
        }
        await Task.WhenAll(nodes.Select(n => n.WaitReadyAsync(Deadline)));
    }

    /// <summary>Every running node's status (null for one that does not answer).</summary>
    public async Task<NodeStatusView?[]> StatusesAsync() => await Task.WhenAll(Nodes.Select(n => n.StatusAsync()));

    /// <summary>The node that says it leads, once the others that answer agree.</summary>
    public async Task<RaftNodeProcess> LeaderAsync()
    {
        RaftNodeProcess? leader = null;
        await WaitAsync(
            async () =>
            {
                var statuses = await StatusesAsync();
                var leaders = statuses.Where(s => s is { IsLeader: true }).ToList();
                leader = leaders.Count == 1 && statuses.All(s => s is null || s.Leader == leaders[0]!.Id)
                    ? Nodes.Single(n => n.Id == leaders[0]!.Id)
                    : null;
                return leader is not null;
            },
            "one leader that every node knows");
        return leader!;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with every node's status after <see cref="Deadline"/>.</summary>
    public async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > Deadline)
            {
                throw new XunitException($"Timed out after {Deadline.TotalSeconds:0} s waiting for {what}:\n{await DescribeAsync()}");
            }
            await Task.Delay(50);
        }
    }

    public async Task<string> DescribeAsync()
    {
        var statuses = await StatusesAsync();
        return string.Join('\n', Nodes.Select((n, i) =>
            statuses[i]?.ToString() ?? $"{n.Id} {(n.IsRunning ? "not answering" : "down")}; last output:\n{n.Output}"));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
        _root.Delete(recursive: true);
    }
}
