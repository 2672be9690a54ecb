using Mesh.Server.Consensus;
using Mesh.Server.Consensus.Hosting;

namespace Mesh.Server.Tests.Consensus.Hosting;

/// <summary>The leader cut off from the other two: the majority carries on, the old leader serves nothing stale.</summary>
public sealed class RaftHostPartitionTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(2);
    private RaftCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await RaftCluster.StartAsync(3);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task An_isolated_leader_acknowledges_no_write_and_serves_no_read_once_the_majority_moved_on()
    {
        await _cluster.ProposeAsync(10);
        var old = await _cluster.LeaderAsync();
        var majority = _cluster.Servers.Where(s => s != old).ToList();
        old.Network.CutOff(majority.Select(s => s.Id));
        majority.ForEach(s => s.Network.CutOff([old.Id]));
        var strandedWrite = Attempt(() => old.Host!.ProposeAsync([42]));

        RaftServer? successor = null;
        await _cluster.WaitAsync(() => (successor = majority.FirstOrDefault(s => s.Host!.Role == RaftRole.Leader)) is not null, "the majority elects a new leader");
        var write = (await successor!.Host!.ProposeAsync([7])).Index;

        // Everything asked of the old leader from now on would be stale if it were answered.
        var reads = new[]
        {
            Attempt(() => old.Host!.ReadAsync(ReadConsistency.Lease)),
            Attempt(() => old.Host!.ReadAsync(ReadConsistency.ReadIndex)),
            Attempt(async () => (await old.Host!.ProposeAsync([43])).Index),
        };
        await Task.WhenAny(Task.WhenAll(reads), Task.Delay(Patience));
        Assert.All(reads, r => Assert.False(r.IsCompletedSuccessfully, $"the isolated leader answered with index {(r.IsCompletedSuccessfully ? r.Result : 0)}"));
        await _cluster.WaitAsync(() => old.Host!.Role != RaftRole.Leader, "check-quorum makes the isolated leader step down");
        Assert.DoesNotContain(write, old.Machine.Applied);

        old.Network.Heal();
        majority.ForEach(s => s.Network.Heal());
        await _cluster.WaitAsync(() => old.Machine.Applied.Contains(write), "the old leader catches up after the partition heals");
        await Assert.ThrowsAnyAsync<Exception>(() => strandedWrite.WaitAsync(RaftCluster.Deadline));
        Assert.All(_cluster.Servers, s => Assert.Equal(successor.Machine.Applied.Take(old.Machine.Count), s.Machine.Applied.Take(old.Machine.Count)));
    }

    [Fact]
    public async Task The_majority_side_keeps_serving_reads_and_writes()
    {
        var old = await _cluster.LeaderAsync();
        var majority = _cluster.Servers.Where(s => s != old).ToList();
        old.Network.CutOff(majority.Select(s => s.Id));
        majority.ForEach(s => s.Network.CutOff([old.Id]));

        RaftServer? successor = null;
        await _cluster.WaitAsync(() => (successor = majority.FirstOrDefault(s => s.Host!.Role == RaftRole.Leader)) is not null, "the majority elects a new leader");
        var written = new List<ulong>();
        for (var i = 0; i < 5; i++)
        {
            written.Add((await successor!.Host!.ProposeAsync([(byte)i])).Index);
        }
        var read = await successor!.Host!.ReadAsync(ReadConsistency.ReadIndex);

        Assert.True(read >= written[^1]);
        await _cluster.WaitAsync(() => majority.All(s => s.Machine.Applied.Contains(written[^1])), "both majority servers apply the writes");
    }

    /// <summary>Starts a request whose failure is expected, without letting the exception go unobserved.</summary>
    private static Task<ulong> Attempt(Func<Task<ulong>> request)
    {
        var task = Task.Run(request);
        _ = task.ContinueWith(t => t.Exception, TaskScheduler.Default);
        return task;
    }

    private static Task<ulong> Attempt(Func<Task<RaftResult>> request) => Attempt(async () => (await request()).Index);
}
