using Xunit.Abstractions;

namespace Mesh.Server.Tests.Datacenter;

/// <summary>Servers joining a running datacenter become voters; a dead one is removed by autopilot.</summary>
[Collection(DatacenterCollection.Name)]
public sealed class MembershipTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Two_more_servers_join_as_voters_and_a_killed_server_is_removed_by_autopilot_and_rejoins_on_restart()
    {
        await using var datacenter = await Datacenter.StartAsync(output);
        // They expect three servers too and see five: they must join this datacenter, not found a second one.
        await Task.WhenAll(datacenter.AddServerAsync(), datacenter.AddServerAsync());
        datacenter.Log("s4 and s5 started");
        var leader = await datacenter.WaitForLeaderAsync();
        datacenter.Log($"5 peers, leader {leader}");
        Assert.Equal(5, (await leader.PeersAsync()).Length);
        Assert.True(await datacenter.Servers[^1].PutAsync("membership/joined", "yes"));

        var dead = leader;
        await dead.KillAsync();
        datacenter.Log($"killed {dead}");
        var remaining = await datacenter.WaitForLeaderAsync();
        datacenter.Log($"{dead} removed from the peers");
        foreach (var server in datacenter.RunningServers)
        {
            var peers = await server.PeersAsync();
            Assert.Equal(4, peers.Length);
            Assert.DoesNotContain(dead.RpcAddress, peers);
        }
        await Poll.UntilAsync(() => remaining.SerfHealthAsync(dead.Name), status => status == "critical", $"serfHealth of the killed {dead} to be critical", Datacenter.Deadline);
        Assert.Equal("yes", await remaining.Http.GetStringAsync("/v1/kv/membership/joined?raw&consistent"));

        // Restarted from its data directory, which still lists it as a voter, it must follow the leader that removed it
        // and be added back, not sit without a leader.
        await dead.StartAsync();
        datacenter.Log($"restarted {dead}");
        await datacenter.WaitForLeaderAsync();
        Assert.True(await dead.PutAsync("membership/rejoined", "yes"));
        Assert.Equal("yes", await dead.Http.GetStringAsync("/v1/kv/membership/rejoined?raw&consistent"));
    }
}
