using Mesh.Server.Consensus;
using Mesh.Server.Consensus.Hosting;

namespace Mesh.Server.Tests.Consensus.Hosting;

/// <summary>Three real Raft hosts over gRPC and real disks in one process: replication, and recovery from disk.</summary>
public sealed class RaftHostClusterTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly List<RaftServer> _servers = [];
    private ClusterConfiguration _configuration = ClusterConfiguration.Empty;

    public async Task InitializeAsync()
    {
        foreach (var id in new[] { "s1", "s2", "s3" })
        {
            _servers.Add(await RaftServer.ListenAsync(id));
        }
        _configuration = new ClusterConfiguration(_servers.Select(s => new RaftMember(s.Id, s.Address, MemberRole.Voter)));
        foreach (var server in _servers)
        {
            server.Start(_configuration);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Acknowledged_increments_survive_restarting_the_leader_and_a_follower()
    {
        var acknowledged = await ProposeAsync(100);
        await WaitAsync(() => _servers.All(s => s.Machine.Count >= 100), "all three servers apply 100 increments");
        Assert.All(_servers, s => Assert.Equal(acknowledged, s.Machine.Applied));

        var leader = await LeaderAsync();
        var follower = _servers.First(s => s != leader);
        var third = _servers.Single(s => s != leader && s != follower);
        await leader.StopAsync();
        await follower.StopAsync();
        // The third server stays down until the restarted pair made progress, so they can only have recovered
        // the acknowledged increments from their own directories.
        await third.StopAsync();
        leader.Start(_configuration);
        follower.Start(_configuration);

        var more = await ProposeAsync(10);
        var all = acknowledged.Concat(more).ToList();
        await WaitAsync(() => leader.Machine.Count >= 110 && follower.Machine.Count >= 110, "the restarted pair applies 110 increments");
        Assert.Equal(all, leader.Machine.Applied);
        Assert.Equal(all, follower.Machine.Applied);

        third.Start(_configuration);
        await WaitAsync(() => third.Machine.Count >= 110, "the third server catches up after its restart");
        Assert.Equal(all, third.Machine.Applied);
    }

    [Fact]
    public async Task A_follower_refuses_proposals_and_names_the_leader()
    {
        var leader = await LeaderAsync();
        var follower = _servers.First(s => s != leader);
        await WaitAsync(() => follower.Host!.LeaderId == leader.Id, "the follower learns the leader");

        var error = await Assert.ThrowsAsync<NotLeaderException>(() => follower.Host!.ProposeAsync([1]));
        Assert.Equal(leader.Id, error.LeaderId);
    }

    /// <summary>Proposes concurrently (so proposals share fsyncs), following leader changes; returns the acknowledged indexes.</summary>
    private async Task<List<ulong>> ProposeAsync(int count)
    {
        var indexes = await Task.WhenAll(Enumerable.Range(0, count).Select(i => ProposeOneAsync(BitConverter.GetBytes(i))));
        return [.. indexes.Order()];
    }

    private async Task<ulong> ProposeOneAsync(byte[] command)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        while (true)
        {
            var leader = await LeaderAsync();
            try
            {
                return await leader.Host!.ProposeAsync(command, timeout.Token);
            }
            catch (NotLeaderException)
            {
                // Leadership moved between the look-up and the proposal: find the new leader.
            }
            catch (RaftRequestRejectedException)
            {
                // A new leader not ready yet, or the entry lost to a leader change: retry.
            }
            await Task.Delay(20, timeout.Token);
        }
    }

    private async Task<RaftServer> LeaderAsync()
    {
        RaftServer? leader = null;
        await WaitAsync(() => (leader = _servers.FirstOrDefault(s => s.Host?.Role == RaftRole.Leader)) is not null, "a leader is elected");
        return leader!;
    }

    private string Describe() => string.Join(", ", _servers.Select(s =>
        s.Host is { } host ? $"{s.Id} {host.Role} t{host.Term} leader={host.LeaderId} commit={host.CommitIndex} applied={s.Machine.Count} failure={host.Failure?.Message}" : $"{s.Id} down"));

    private async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = TimeProvider.System.GetUtcNow() + Deadline;
        while (!condition())
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, $"Timed out waiting until {what}: {Describe()}.");
            await Task.Delay(20);
        }
    }
}
