using Mesh.Server.Consensus;
using Mesh.Server.Consensus.Hosting;

namespace Mesh.Server.Tests.Consensus.Hosting;

/// <summary>Reads, membership changes and leadership transfer through real hosts.</summary>
public sealed class RaftHostOperationsTests : IAsyncLifetime
{
    private RaftCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await RaftCluster.StartAsync(3);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Theory]
    [InlineData(ReadConsistency.Lease)]
    [InlineData(ReadConsistency.ReadIndex)]
    public async Task A_read_on_the_leader_sees_every_acknowledged_write(ReadConsistency consistency)
    {
        var acknowledged = await _cluster.ProposeAsync(30);
        var leader = await _cluster.LeaderAsync();

        var index = await leader.Host!.ReadAsync(consistency);

        Assert.True(index >= acknowledged[^1], $"read index {index} is behind the last acknowledged write {acknowledged[^1]}");
        Assert.True(leader.Host.AppliedIndex >= index);
        Assert.Equal(acknowledged, leader.Machine.Applied.Where(i => i <= acknowledged[^1]));
    }

    [Fact]
    public async Task A_follower_refuses_reads()
    {
        var leader = await _cluster.LeaderAsync();
        var follower = _cluster.Servers.First(s => s != leader);
        await _cluster.WaitAsync(() => follower.Host!.LeaderId == leader.Id, "the follower learns the leader");

        var error = await Assert.ThrowsAsync<NotLeaderException>(() => follower.Host!.ReadAsync(ReadConsistency.ReadIndex));
        Assert.Equal(leader.Id, error.LeaderId);
    }

    [Fact]
    public async Task A_new_server_is_added_as_a_voter_after_catching_up_then_removed()
    {
        var acknowledged = await _cluster.ProposeAsync(50);
        var fourth = await _cluster.AddEmptyServerAsync("s4");
        var leader = await _cluster.LeaderAsync();

        await leader.Host!.ChangeMembershipAsync(new MembershipChange(MembershipChangeKind.AddVoter, fourth.Id, fourth.Address));

        await _cluster.WaitAsync(() => leader.Host.Configuration.IsVoter("s4"), "the leader promotes s4 to voter");
        await _cluster.WaitAsync(() => fourth.Host!.Configuration.IsVoter("s4") && fourth.Machine.Count >= 50, "s4 catches up and knows it votes");
        Assert.Equal(acknowledged, fourth.Machine.Applied);

        await leader.Host.ChangeMembershipAsync(new MembershipChange(MembershipChangeKind.RemoveServer, fourth.Id));
        await _cluster.WaitAsync(() => _cluster.Servers.Take(3).All(s => !s.Host!.Configuration.Contains("s4")), "every founder drops s4");
        await _cluster.ProposeAsync(5);
    }

    [Fact]
    public async Task A_second_membership_change_waits_for_the_first_to_commit_or_is_refused()
    {
        var leader = await _cluster.LeaderAsync();
        await _cluster.ProposeAsync(1);

        var invalid = await Assert.ThrowsAsync<RaftRequestRejectedException>(() =>
            leader.Host!.ChangeMembershipAsync(new MembershipChange(MembershipChangeKind.RemoveServer, "nobody")));
        Assert.Contains("InvalidRequest", invalid.Message);
    }

    [Fact]
    public async Task Leadership_moves_to_the_chosen_server_and_writes_follow()
    {
        var leader = await _cluster.LeaderAsync();
        await _cluster.ProposeAsync(10);
        var target = _cluster.Servers.First(s => s != leader);
        var leadership = await leader.Host!.WaitForLeadershipAsync();
        var targetLeads = target.Host!.WaitForLeadershipAsync();
        Assert.False(targetLeads.IsCompleted);

        await leader.Host.TransferLeadershipAsync(target.Id);

        await targetLeads.WaitAsync(RaftCluster.Deadline);
        await _cluster.WaitAsync(() => leadership.IsCancellationRequested, "the old leader's leadership token is cancelled");
        Assert.NotEqual(RaftRole.Leader, leader.Host.Role);
        await _cluster.ProposeAsync(5);
        await _cluster.WaitAsync(() => _cluster.Servers.All(s => s.Machine.Count >= 15), "every server applies the writes after the transfer");
    }

    [Fact]
    public async Task A_follower_cannot_hand_over_leadership()
    {
        var leader = await _cluster.LeaderAsync();
        var follower = _cluster.Servers.First(s => s != leader);

        await Assert.ThrowsAsync<NotLeaderException>(() => follower.Host!.TransferLeadershipAsync());
    }
}
