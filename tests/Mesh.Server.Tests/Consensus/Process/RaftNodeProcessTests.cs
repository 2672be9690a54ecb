using Xunit.Abstractions;

namespace Mesh.Server.Tests.Consensus.Process;

/// <summary>
/// The Raft engine as separate processes: three Mesh.Raft.Node servers with a replicated counter on loopback and
/// real disks (fsync), with a small snapshot threshold so that snapshots are taken and recovered.
/// </summary>
public sealed class RaftNodeProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Clients = 8;
    private const int IncrementsPerPhase = 300;

    private readonly RaftNodeCluster _cluster = new(3, "--snapshot-threshold", "200", "--trailing-logs", "50");

    public Task InitializeAsync() => _cluster.StartAsync([.. _cluster.Nodes]);

    public Task DisposeAsync() => _cluster.DisposeAsync().AsTask();

    [Fact]
    public async Task Every_acknowledged_increment_survives_kill_9_of_the_leader_and_a_follower_together()
    {
        await using var clients = new IncrementClients(_cluster.Nodes, Clients);
        await _cluster.WaitAsync(
            async () => clients.Acknowledged >= IncrementsPerPhase && (await _cluster.StatusesAsync()).All(s => s is { SnapshotIndex: > 0 }),
            $"{IncrementsPerPhase} acknowledged increments and a snapshot on every node");

        var leader = await _cluster.LeaderAsync();
        var follower = _cluster.Nodes.First(n => n != leader);
        leader.Kill();
        follower.Kill();
        await Task.WhenAll(leader.WaitForExitAsync(), follower.WaitForExitAsync());
        var beforeRestart = clients.Acknowledged;

        await _cluster.StartAsync(leader, follower);
        await _cluster.WaitAsync(
            () => Task.FromResult(clients.Acknowledged >= beforeRestart + IncrementsPerPhase),
            $"{IncrementsPerPhase} more acknowledged increments after the restart (had {beforeRestart})");
        await clients.StopAsync();

        var acknowledged = clients.AcknowledgedIds;
        var highest = acknowledged.Values.Max();
        await _cluster.WaitAsync(
            async () => await _cluster.StatusesAsync() is var statuses
                && statuses.All(s => s is not null && s.AppliedIndex >= highest && s.AppliedIndex == s.LastLogIndex)
                && statuses.Select(s => s!.AppliedIndex).Distinct().Count() == 1,
            $"every node to apply its whole log, through at least index {highest}");

        var logs = await Task.WhenAll(_cluster.Nodes.Select(n => n.IdsAsync()));
        Assert.All(logs, log => Assert.Equal(logs[0], log));
        var duplicates = logs[0].GroupBy(e => e.Id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"ids applied more than once: {string.Join(", ", duplicates.Take(10))}");
        var applied = logs[0].ToDictionary(e => e.Id, e => e.Index);
        var lost = acknowledged.Where(a => applied.GetValueOrDefault(a.Key) != a.Value).Select(a => a.Key).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged increments are missing or at another index, e.g. {string.Join(", ", lost.Take(10))}");

        // The killed pair came back from their own snapshots, and the log went on being compacted after it.
        var final = await _cluster.StatusesAsync();
        Assert.All(new[] { leader, follower }, n => Assert.True(final.Single(s => s!.Id == n.Id)!.Restores > 0, $"{n.Id} did not restore a snapshot: {final.Single(s => s!.Id == n.Id)}"));
        Assert.All(final, s => Assert.True(s!.SnapshotIndex > 0, $"no snapshot: {s}"));
        Assert.True(clients.Refused > 0, "the clients never saw a refused or failed increment, so the kill did not interrupt them");
        output.WriteLine($"killed {leader.Id} (leader) and {follower.Id}; {acknowledged.Count} acknowledged of {logs[0].Length} applied, {clients.Refused} refused or failed");
        output.WriteLine(await _cluster.DescribeAsync());
    }
}
