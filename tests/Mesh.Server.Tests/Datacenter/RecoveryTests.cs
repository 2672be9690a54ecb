using Xunit.Abstractions;

namespace Mesh.Server.Tests.Datacenter;

/// <summary>Servers killed with kill -9 and restarted from their data directories lose no acknowledged write.</summary>
[Collection(DatacenterCollection.Name)]
public sealed class RecoveryTests(ITestOutputHelper output)
{
    private const int Clients = 6;

    [Fact]
    public async Task Every_server_killed_and_restarted_keeps_every_acknowledged_write()
    {
        await using var datacenter = await Datacenter.StartAsync(output);
        var servers = datacenter.Servers;

        IReadOnlyList<Ack> acks;
        await using (var writers = KvWriters.Start("restart", servers, Clients))
        {
            await writers.WaitForAcksAsync(a => a.Count >= 200, "200 acknowledged writes", Datacenter.Deadline);
            // All at once, while writes are in flight.
            await Task.WhenAll(servers.Select(s => s.KillAsync()));
            await writers.StopAsync();
            acks = writers.Acks;
            datacenter.Log($"all servers killed after {acks.Count} acknowledged writes");
        }

        await Task.WhenAll(servers.Select(s => s.StartAsync()));
        datacenter.Log("all servers restarted");
        var leader = await datacenter.WaitForLeaderAsync();
        datacenter.Log($"leader {leader}");
        foreach (var server in servers)
        {
            AckAssert.AllReadable(acks, await server.KvAsync("restart/", "consistent"), $"{server} (consistent)");
        }
    }

    [Fact]
    public async Task A_follower_restarted_after_the_log_moved_past_a_snapshot_catches_up_from_the_snapshot()
    {
        await using var datacenter = await Datacenter.StartAsync(output, "raft_snapshot_threshold = 100", "raft_trailing_logs = 20");
        var leader = await datacenter.WaitForLeaderAsync();
        var follower = datacenter.Servers.First(s => s != leader);
        var up = datacenter.Servers.Where(s => s != follower).ToList();

        Assert.True(File.Exists(FirstLogSegment(follower)), $"{follower} has no log segment from index 1.");
        await follower.KillAsync();
        datacenter.Log($"killed {follower}");
        IReadOnlyList<Ack> acks;
        await using (var writers = KvWriters.Start("catchup", up, Clients))
        {
            // Several snapshot thresholds on: the entries the follower misses are compacted out of the leader's log.
            await writers.WaitForAcksAsync(a => a.Count >= 500, "500 writes while the follower is down", Datacenter.Deadline);
            await writers.StopAsync();
            acks = writers.Acks;
            datacenter.Log($"{acks.Count} writes acknowledged, {writers.Failures} failed");
        }
        Assert.NotEmpty(Snapshots(leader));

        await follower.StartAsync();
        datacenter.Log($"restarted {follower}");
        await Poll.UntilAsync(
            () => follower.KvAsync("catchup/", "stale"),
            kv => AckAssert.AllPresent(acks, kv),
            $"the restarted {follower}'s stale reads to show all {acks.Count} writes",
            Datacenter.Deadline);

        datacenter.Log($"{follower} caught up");
        // Installing a snapshot replaces the whole log, so the segment that began at index 1 is gone; catching up
        // entry by entry would have appended to it.
        Assert.NotEmpty(Snapshots(follower));
        Assert.False(File.Exists(FirstLogSegment(follower)), $"{follower} still has its log from index 1: it did not install a snapshot.");
        // And it is a voter again.
        await datacenter.WaitForLeaderAsync();
    }

    private static string FirstLogSegment(DatacenterAgent server) => Path.Combine(server.DataDir, "raft", "log", "00000000000000000001.log");

    private static string[] Snapshots(DatacenterAgent server) =>
        Directory.GetFiles(Path.Combine(server.DataDir, "raft", "snapshots"), "*.snap");
}
