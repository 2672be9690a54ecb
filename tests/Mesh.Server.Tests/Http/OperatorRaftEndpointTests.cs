using System.Net;
using System.Text.Json;

namespace Mesh.Server.Tests.Http;

/// <summary>/v1/operator/raft/* and /v1/status/* on a dev agent: its one server is the only voter and the leader.</summary>
public sealed class OperatorRaftEndpointTests : IAsyncLifetime
{
    private DevAgent _agent = null!;

    public async Task InitializeAsync() => _agent = await DevAgent.StartAsync("solo");

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    [Theory]
    [InlineData("")]
    [InlineData("?stale")]
    public async Task The_configuration_is_the_dev_server_alone_as_leader_and_voter(string query)
    {
        using var put = await _agent.Http.PutAsync("/v1/kv/some/key", new StringContent("v"));
        put.EnsureSuccessStatusCode();

        var configuration = await TestApi.JsonOf(await _agent.Http.GetAsync("/v1/operator/raft/configuration" + query));

        Assert.Equal(["Servers", "Index"], configuration.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0, configuration.GetProperty("Index").GetInt32());
        var server = Assert.Single(configuration.GetProperty("Servers").EnumerateArray());
        Assert.Equal(["ID", "Node", "Address", "Leader", "ProtocolVersion", "Voter", "LastIndex"], server.EnumerateObject().Select(p => p.Name));
        Assert.Equal(_agent.Config.NodeId, server.GetProperty("ID").GetString());
        Assert.Equal("solo", server.GetProperty("Node").GetString());
        Assert.Equal(_agent.ServerAddress, server.GetProperty("Address").GetString());
        Assert.True(server.GetProperty("Leader").GetBoolean());
        Assert.Equal("3", server.GetProperty("ProtocolVersion").GetString());
        Assert.True(server.GetProperty("Voter").GetBoolean());
        Assert.True(server.GetProperty("LastIndex").GetUInt64() >= 1);
    }

    [Fact]
    public async Task Status_names_the_dev_server_as_leader_and_only_peer()
    {
        Assert.Equal($"\"{_agent.ServerAddress}\"", (await TestApi.JsonOf(await _agent.Http.GetAsync("/v1/status/leader"))).GetRawText());
        Assert.Equal($"[\"{_agent.ServerAddress}\"]", (await TestApi.JsonOf(await _agent.Http.GetAsync("/v1/status/peers"))).GetRawText());
    }

    [Theory]
    [InlineData("", HttpStatusCode.BadRequest, "Must specify either ?id with the server's ID or ?address with IP:port of peer to remove")]
    [InlineData("?id=a&address=b", HttpStatusCode.BadRequest, "Must specify only one of ?id or ?address")]
    [InlineData("?id=nobody", HttpStatusCode.InternalServerError, "id \"nobody\" was not found in the Raft configuration")]
    [InlineData("?address=10.0.0.9:8300", HttpStatusCode.InternalServerError, "address \"10.0.0.9:8300\" was not found in the Raft configuration")]
    public async Task Removing_a_peer_takes_exactly_one_known_id_or_address(string query, HttpStatusCode status, string error)
    {
        var answer = await TestApi.TextOf(await _agent.Http.DeleteAsync("/v1/operator/raft/peer" + query));

        Assert.Equal((status, error), answer);
    }

    [Fact]
    public async Task The_only_voter_cannot_be_removed_nor_hand_leadership_over()
    {
        var byId = await TestApi.TextOf(await _agent.Http.DeleteAsync($"/v1/operator/raft/peer?id={_agent.Config.NodeId}"));
        var byAddress = await TestApi.TextOf(await _agent.Http.DeleteAsync($"/v1/operator/raft/peer?address={_agent.ServerAddress}"));
        var transfer = await TestApi.TextOf(await _agent.Http.PostAsync("/v1/operator/raft/transfer-leader", null));
        var toStranger = await TestApi.TextOf(await _agent.Http.PostAsync("/v1/operator/raft/transfer-leader?id=stranger", null));

        var onlyVoter = $"cannot remove {_agent.Config.NodeId}: it is the only voter in the Raft configuration";
        Assert.Equal((HttpStatusCode.InternalServerError, onlyVoter), byId);
        Assert.Equal((HttpStatusCode.InternalServerError, onlyVoter), byAddress);
        Assert.Equal((HttpStatusCode.InternalServerError, "cannot find peer"), transfer);
        Assert.Equal((HttpStatusCode.InternalServerError, "Could not find address for server id stranger"), toStranger);
        var configuration = await TestApi.JsonOf(await _agent.Http.GetAsync("/v1/operator/raft/configuration"));
        Assert.Single(configuration.GetProperty("Servers").EnumerateArray());
    }

    [Fact]
    public async Task Naming_the_leader_itself_as_the_new_leader_changes_nothing()
    {
        var answer = await TestApi.JsonOf(await _agent.Http.PostAsync($"/v1/operator/raft/transfer-leader?id={_agent.Config.NodeId}", null));

        Assert.Equal("""{"Success":true}""", answer.GetRawText());
    }

    [Fact]
    public async Task Another_datacenter_has_no_path()
    {
        var answer = await TestApi.TextOf(await _agent.Http.GetAsync("/v1/operator/raft/configuration?dc=elsewhere"));

        Assert.Equal((HttpStatusCode.InternalServerError, "No path to datacenter"), answer);
        Assert.Equal(HttpStatusCode.BadRequest, (await _agent.Http.GetAsync("/v1/operator/raft/configuration?stale&consistent")).StatusCode);
        Assert.Equal(JsonValueKind.Object, (await TestApi.JsonOf(await _agent.Http.GetAsync("/v1/operator/raft/configuration?pretty"))).ValueKind);
    }
}
