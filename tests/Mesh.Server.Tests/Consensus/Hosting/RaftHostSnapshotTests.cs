using Mesh.Server.Consensus;

namespace Mesh.Server.Tests.Consensus.Hosting;

/// <summary>Snapshots on real hosts: taken and compacting the log, recovered at restart, installed on a lagging follower.</summary>
public sealed class RaftHostSnapshotTests : IAsyncLifetime
{
    private static readonly RaftOptions SmallSnapshots = new() { SnapshotThreshold = 40, TrailingLogs = 10, SnapshotChunkBytes = 64 };
    private RaftCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await RaftCluster.StartAsync(3, SmallSnapshots);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_follower_that_missed_compacted_entries_catches_up_from_a_streamed_snapshot()
    {
        var leader = await _cluster.LeaderAsync();
        var lagging = _cluster.Servers.First(s => s != leader);
        var first = await _cluster.ProposeAsync(20);
        await _cluster.WaitAsync(() => lagging.Machine.Count >= 20, "the follower applies the first entries");
        await lagging.StopAsync();

        var more = await _cluster.ProposeAsync(150);
        // The leader compacted past everything the stopped follower holds, so only a snapshot can catch it up.
        await _cluster.WaitAsync(() => leader.Host!.Snapshot?.Index > 100, "the leader snapshots and compacts");
        _cluster.Start(lagging);

        var all = first.Concat(more).Order().ToList();
        await _cluster.WaitAsync(() => lagging.Machine.Count >= all.Count, "the lagging follower catches up");
        Assert.Equal(all, lagging.Machine.Applied);
        Assert.True(lagging.Machine.Restores >= 1, "the follower installed a snapshot from the leader");
        // Chunks of 64 bytes: the snapshot crossed the wire in many pieces.
        Assert.True(new FileInfo(lagging.Host!.Snapshot is { } installed ? SnapshotPath(lagging, installed) : "").Length > 64);
    }

    [Fact]
    public async Task A_restarted_server_recovers_from_its_snapshot_and_the_log_after_it()
    {
        var acknowledged = await _cluster.ProposeAsync(130);
        await _cluster.WaitAsync(() => _cluster.Servers.All(s => s.Host!.Snapshot?.Index >= 80), "every server takes a snapshot");
        foreach (var server in _cluster.Servers)
        {
            await server.StopAsync();
        }
        foreach (var server in _cluster.Servers)
        {
            _cluster.Start(server);
        }

        await _cluster.WaitAsync(() => _cluster.Servers.All(s => s.Machine.Count >= 130), "every server recovers 130 increments");
        Assert.All(_cluster.Servers, s =>
        {
            Assert.Equal(acknowledged, s.Machine.Applied);
            Assert.Equal(1, s.Machine.Restores);
        });
        var more = await _cluster.ProposeAsync(5);
        await _cluster.WaitAsync(() => _cluster.Servers.All(s => s.Machine.Count >= 135), "the cluster takes writes again");
    }

    private static string SnapshotPath(RaftServer server, SnapshotMetadata snapshot) =>
        Directory.GetFiles(Path.Combine(server.DataDirectory, "snapshots"), $"snapshot-{snapshot.Index:D20}-*.snap").Single();
}
