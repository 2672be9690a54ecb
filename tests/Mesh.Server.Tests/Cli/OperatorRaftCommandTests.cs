namespace Mesh.Server.Tests.Cli;

/// <summary><c>mesh operator raft</c> against a real HTTP server answering as the agent, with Consul's output.</summary>
public sealed class OperatorRaftCommandTests
{
    private const string ConfigurationPath = "/v1/operator/raft/configuration";
    private const string PeerPath = "/v1/operator/raft/peer";
    private const string TransferPath = "/v1/operator/raft/transfer-leader";

    private const string Configuration = """
        {"Servers":[
          {"ID":"a1","Node":"alice","Address":"127.0.0.1:8300","Leader":false,"ProtocolVersion":"3","Voter":true,"LastIndex":1166},
          {"ID":"b2","Node":"bob","Address":"127.0.0.2:8300","Leader":true,"ProtocolVersion":"3","Voter":true,"LastIndex":1167},
          {"ID":"c3","Node":"(unknown)","Address":"127.0.0.3:8300","Leader":false,"ProtocolVersion":"","Voter":false,"LastIndex":1159},
          {"ID":"d4","Node":"dave","Address":"127.0.0.4:8300","Leader":false,"ProtocolVersion":"3","Voter":true,"LastIndex":1167}
        ],"Index":0}
        """;

    [Fact]
    public async Task List_peers_prints_consuls_table_with_how_far_each_server_trails_the_leader()
    {
        await using var agent = (await FakeConsulAgent.StartAsync()).On("GET", ConfigurationPath, Configuration);

        var result = await agent.RunCliAsync("operator", "raft", "list-peers");

        Assert.Equal(new CliResult(0,
            "Node       ID  Address         State     Voter  RaftProtocol  Commit Index  Trails Leader By\n" +
            "alice      a1  127.0.0.1:8300  follower  true   3             1166          1 commit\n" +
            "bob        b2  127.0.0.2:8300  leader    true   3             1167          -\n" +
            "(unknown)  c3  127.0.0.3:8300  follower  false  <=1           1159          8 commits\n" +
            "dave       d4  127.0.0.4:8300  follower  true   3             1167          0 commits\n", ""), result);
        Assert.Empty(agent.Single("GET", ConfigurationPath).Query);
    }

    [Fact]
    public async Task List_peers_may_be_stale_and_says_why_it_failed()
    {
        await using var agent = (await FakeConsulAgent.StartAsync()).On("GET", ConfigurationPath, "No cluster leader", status: 500);

        var result = await agent.RunCliAsync("operator", "raft", "list-peers", "-stale");

        Assert.Equal(new CliResult(1, "", "Error getting peers: Failed to retrieve raft configuration: Unexpected response code: 500 (No cluster leader)\n"), result);
        Assert.True(agent.Single("GET", ConfigurationPath).Query.ContainsKey("stale"));
    }

    [Fact]
    public async Task Remove_peer_by_id_or_address_says_which_was_removed()
    {
        await using var agent = (await FakeConsulAgent.StartAsync()).On("DELETE", PeerPath, "");

        var byId = await agent.RunCliAsync("operator", "raft", "remove-peer", "-id=c3");
        var byAddress = await agent.RunCliAsync("operator", "raft", "remove-peer", "-address", "127.0.0.3:8300");

        Assert.Equal(new CliResult(0, "Removed peer with id \"c3\"\n", ""), byId);
        Assert.Equal(new CliResult(0, "Removed peer with address \"127.0.0.3:8300\"\n", ""), byAddress);
        var requests = agent.Requests.ToList();
        Assert.Equal("c3", requests[0].Query["id"]);
        Assert.Equal("127.0.0.3:8300", requests[1].Query["address"]);
    }

    [Theory]
    [InlineData("Error removing peer: an address or id is required for the peer to remove\n")]
    [InlineData("Error removing peer: cannot give both an address and id\n", "-id=a", "-address=b")]
    public async Task Remove_peer_needs_exactly_one_of_id_and_address(string error, params string[] flags)
    {
        await using var agent = (await FakeConsulAgent.StartAsync()).On("DELETE", PeerPath, "");

        var result = await agent.RunCliAsync(["operator", "raft", "remove-peer", .. flags]);

        Assert.Equal(new CliResult(1, "", error), result);
        Assert.Empty(agent.Requests);
    }

    [Fact]
    public async Task Remove_peer_reports_the_servers_refusal()
    {
        await using var agent = (await FakeConsulAgent.StartAsync())
            .On("DELETE", PeerPath, "id \"zz\" was not found in the Raft configuration", status: 500);

        var result = await agent.RunCliAsync("operator", "raft", "remove-peer", "-id=zz");

        Assert.Equal(new CliResult(1, "", "Error removing peer: Unexpected response code: 500 (id \"zz\" was not found in the Raft configuration)\n"), result);
    }

    [Fact]
    public async Task Transfer_leader_prints_success_and_sends_the_target()
    {
        await using var agent = (await FakeConsulAgent.StartAsync()).On("POST", TransferPath, """{"Success":true}""");

        var anyone = await agent.RunCliAsync("operator", "raft", "transfer-leader");
        var toA1 = await agent.RunCliAsync("operator", "raft", "transfer-leader", "-id", "a1");

        Assert.Equal(new CliResult(0, "Success\n", ""), anyone);
        Assert.Equal(new CliResult(0, "Success\n", ""), toA1);
        var requests = agent.Requests.ToList();
        Assert.Empty(requests[0].Query);
        Assert.Equal("a1", requests[1].Query["id"]);
    }

    [Theory]
    [InlineData(500, "cannot find peer", "Error transfering leadership: Failed to transfer leadership Unexpected response code: 500 (cannot find peer)\n")]
    [InlineData(200, """{"Success":false}""", "Error transfering leadership: Failed to transfer leadership\n")]
    public async Task Transfer_leader_failures_read_as_consuls(int status, string body, string error)
    {
        await using var agent = (await FakeConsulAgent.StartAsync()).On("POST", TransferPath, body, status);

        var result = await agent.RunCliAsync("operator", "raft", "transfer-leader");

        Assert.Equal(new CliResult(1, "", error), result);
    }

    [Fact]
    public async Task The_groups_list_their_subcommands()
    {
        var raft = await CliRunner.RunAsync("operator", "raft");
        var operatorHelp = await CliRunner.RunAsync("operator", "-help");

        Assert.Equal(1, raft.ExitCode);
        Assert.StartsWith("Usage: mesh operator raft <subcommand> [options]\n", raft.Out);
        Assert.EndsWith(
            "Subcommands:\n" +
            "    list-peers         Display the current Raft peer configuration\n" +
            "    remove-peer        Remove a Consul server from the Raft configuration\n" +
            "    transfer-leader    Transfer raft leadership to another node\n", raft.Out);
        Assert.Equal(0, operatorHelp.ExitCode);
        Assert.EndsWith("Subcommands:\n    raft    Provides cluster-level tools for Consul operators\n", operatorHelp.Out);
    }
}
