using System.Net;
using System.Text.Json;

namespace Mesh.Server.Tests.Datacenter;

/// <summary>Three servers bootstrapped by gossip serve one datacenter; these tests leave it whole, so they share it.</summary>
[Collection(DatacenterCollection.Name)]
public sealed class FormationTests(DatacenterFixture fixture) : IClassFixture<DatacenterFixture>
{
    private readonly Datacenter _datacenter = fixture.Datacenter;

    [Fact]
    public async Task Agent_self_shows_each_server_s_raft_state_term_and_log_position()
    {
        var leader = await _datacenter.WaitForLeaderAsync();
        Assert.True(await leader.PutAsync("formation/raft-stats", "x"));

        var stats = await Task.WhenAll(_datacenter.Servers.Select(async s =>
        {
            var self = await s.CallAsync(HttpMethod.Get, "/v1/agent/self");
            using var json = JsonDocument.Parse(self.Body);
            var raft = json.RootElement.GetProperty("Stats").GetProperty("raft");
            return (Server: s, State: raft.GetProperty("state").GetString(), Term: raft.GetProperty("term").GetString(),
                LastIndex: ulong.Parse(raft.GetProperty("last_log_index").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
                Peers: raft.GetProperty("num_peers").GetString());
        }));

        Assert.Equal("Leader", stats.Single(s => s.Server == leader).State);
        Assert.All(stats.Where(s => s.Server != leader), s => Assert.Equal("Follower", s.State));
        Assert.Single(stats.Select(s => s.Term).Distinct());
        Assert.All(stats, s => Assert.Equal("2", s.Peers));
        Assert.True(stats.Single(s => s.Server == leader).LastIndex > 1);
    }

    [Fact]
    public async Task Three_servers_form_one_datacenter_and_a_write_on_a_follower_is_read_from_every_server()
    {
        // Fails unless every server names the same leader, one of them, and exactly the three as peers.
        var leader = await _datacenter.WaitForLeaderAsync();
        var servers = _datacenter.Servers;
        Assert.Equal(Datacenter.Expect, servers.Count);

        var follower = servers.First(s => s != leader);
        var value = $"written on {follower.Name}";
        Assert.True(await follower.PutAsync("formation/key", value));

        foreach (var server in servers)
        {
            // Default and consistent reads are answered by the leader, so they see the write at once.
            Assert.Equal(value, await server.Http.GetStringAsync("/v1/kv/formation/key?raw"));
            Assert.Equal(value, await server.Http.GetStringAsync("/v1/kv/formation/key?raw&consistent"));
            var stale = await Poll.UntilAsync(
                () => server.CallAsync(HttpMethod.Get, "/v1/kv/formation/key?raw&stale"),
                answer => answer.Status == HttpStatusCode.OK && answer.Body == value,
                $"a stale read on {server} to see the write",
                Datacenter.Deadline);
            Assert.Equal("true", stale.Header("X-Consul-KnownLeader"));
            Assert.True(int.TryParse(stale.Header("X-Consul-LastContact"), out var lastContact) && lastContact >= 0, $"X-Consul-LastContact on {server}: {stale}");
            Assert.Equal("stale", stale.Header("X-Consul-Effective-Consistency"));
        }
    }

    [Fact]
    public async Task The_catalog_shows_every_server_alive_with_the_consul_service()
    {
        var servers = _datacenter.Servers;
        var names = servers.Select(s => s.Name).ToList();
        foreach (var server in servers)
        {
            // The leader reconciles gossip into the catalog in the background.
            await Poll.UntilAsync(server.CatalogNodesAsync, nodes => names.All(nodes.Contains), $"the catalog on {server} to list {string.Join(", ", names)}", Datacenter.Deadline);
            foreach (var name in names)
            {
                await Poll.UntilAsync(() => server.SerfHealthAsync(name), status => status == "passing", $"serfHealth of {name} passing on {server}", Datacenter.Deadline);
            }
            var consul = await Poll.UntilAsync(
                () => server.ServiceNodesAsync("consul"),
                nodes => nodes.Length == servers.Count,
                $"the consul service on every server, seen from {server}",
                Datacenter.Deadline);
            Assert.Equal(
                servers.Select(s => $"{s.Name}/consul:{s.Ports.Server}").Order(),
                consul.Select(n => n.ToString()).Order());
        }
    }

    [Fact]
    public async Task A_client_agent_joins_and_its_kv_calls_reach_the_servers()
    {
        var client = await _datacenter.AddClientAsync();
        var server = _datacenter.Servers[0];

        // Writes wait for the client to find the servers through gossip.
        await Poll.UntilAsync(() => client.PutAsync("client/from-client", "client value"), $"a write through {client}", Datacenter.Deadline);
        Assert.Equal("client value", await server.Http.GetStringAsync("/v1/kv/client/from-client?raw&consistent"));

        Assert.True(await server.PutAsync("client/from-server", "server value"));
        Assert.Equal("server value", await client.Http.GetStringAsync("/v1/kv/client/from-server?raw"));
        Assert.Equal("server value", await client.Http.GetStringAsync("/v1/kv/client/from-server?raw&consistent"));

        await Poll.UntilAsync(server.CatalogNodesAsync, nodes => nodes.Contains(client.Name), $"the catalog to list {client}", Datacenter.Deadline);
        await Poll.UntilAsync(client.CatalogNodesAsync, nodes => nodes.Contains(client.Name), $"{client}'s catalog read to list itself", Datacenter.Deadline);
        await Poll.UntilAsync(() => server.SerfHealthAsync(client.Name), status => status == "passing", $"serfHealth of {client} passing", Datacenter.Deadline);
    }
}
