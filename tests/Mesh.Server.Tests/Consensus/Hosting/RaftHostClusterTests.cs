using Mesh.Server.Consensus.Hosting;

namespace Mesh.Server.Tests.Consensus.Hosting;

/// <summary>Three real Raft hosts over gRPC and real disks in one process: replication, and recovery from disk.</summary>
public sealed class RaftHostClusterTests : IAsyncLifetime
{
    private RaftCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await RaftCluster.StartAsync(3);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Acknowledged_increments_survive_restarting_the_leader_and_a_follower()
    {
        var servers = _cluster.Servers;
        var acknowledged = await _cluster.ProposeAsync(100);
        await _cluster.WaitAsync(() => servers.All(s => s.Machine.Count >= 100), "all three servers apply 100 increments");
        Assert.All(servers, s => Assert.Equal(acknowledged, s.Machine.Applied));

        var leader = await _cluster.LeaderAsync();
        var follower = servers.First(s => s != leader);
        var third = servers.Single(s => s != leader && s != follower);
        await leader.StopAsync();
        await follower.StopAsync();
        // The third server stays down until the restarted pair made progress, so they can only have recovered
        // the acknowledged increments from their own directories.
        await third.StopAsync();
        _cluster.Start(leader);
        _cluster.Start(follower);

        var more = await _cluster.ProposeAsync(10);
        var all = acknowledged.Concat(more).ToList();
        await _cluster.WaitAsync(() => leader.Machine.Count >= 110 && follower.Machine.Count >= 110, "the restarted pair applies 110 increments");
        Assert.Equal(all, leader.Machine.Applied);
        Assert.Equal(all, follower.Machine.Applied);

        _cluster.Start(third);
        await _cluster.WaitAsync(() => third.Machine.Count >= 110, "the third server catches up after its restart");
        Assert.Equal(all, third.Machine.Applied);
    }

    [Fact]
    public async Task A_follower_refuses_proposals_and_names_the_leader()
    {
        var leader = await _cluster.LeaderAsync();
        var follower = _cluster.Servers.First(s => s != leader);
        await _cluster.WaitAsync(() => follower.Host!.LeaderId == leader.Id, "the follower learns the leader");

        var error = await Assert.ThrowsAsync<NotLeaderException>(() => follower.Host!.ProposeAsync([1]));
        Assert.Equal(leader.Id, error.LeaderId);
    }
}
