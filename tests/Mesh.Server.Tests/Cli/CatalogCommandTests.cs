namespace Mesh.Server.Tests.Cli;

/// <summary><c>mesh catalog</c> against a real HTTP server answering Consul's JSON.</summary>
public sealed class CatalogCommandTests : IAsyncLifetime
{
    private const string Nodes = """
        [
          {"ID":"40e4a748-2192-161a-0510-9bf59fe950b5","Node":"sample-node-name","Address":"127.0.0.1","Datacenter":"consul-sg",
           "TaggedAddresses":{"lan":"127.0.0.1","lan_ipv4":"127.0.0.1","wan":"127.0.0.1","wan_ipv4":"127.0.0.1"},
           "Meta":{"consul-network-segment":"","consul-version":"1.20.1"},"CreateIndex":13,"ModifyIndex":16},
          {"ID":"a","Node":"n2","Address":"10.1.10.12","Datacenter":"consul-sg","TaggedAddresses":null,"Meta":null,"CreateIndex":20,"ModifyIndex":20}
        ]
        """;

    private FakeConsulAgent _agent = null!;

    public async Task InitializeAsync() => _agent = await FakeConsulAgent.StartAsync();

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    [Fact]
    public async Task DatacentersPrintsOneALine()
    {
        _agent.On("GET", "/v1/catalog/datacenters", """["consul-sg","dc2"]""");

        var result = await _agent.RunCliAsync("catalog", "datacenters");

        Assert.Equal(new CliResult(0, "consul-sg\ndc2\n", ""), result);
    }

    [Fact]
    public async Task NodesPrintsConsulsTableWithShortIds()
    {
        _agent.On("GET", "/v1/catalog/nodes", Nodes);

        var result = await _agent.RunCliAsync("catalog", "nodes");

        Assert.Equal(new CliResult(0,
            "Node              ID        Address     DC\n" +
            "sample-node-name  40e4a748  127.0.0.1   consul-sg\n" +
            "n2                a         10.1.10.12  consul-sg\n", ""), result);
    }

    [Fact]
    public async Task NodesDetailedPrintsFullIdsAddressesAndMeta()
    {
        _agent.On("GET", "/v1/catalog/nodes", Nodes);

        var result = await _agent.RunCliAsync("catalog", "nodes", "-detailed");

        Assert.Equal(
            "Node              ID                                    Address     DC         TaggedAddresses                                                       Meta\n" +
            "sample-node-name  40e4a748-2192-161a-0510-9bf59fe950b5  127.0.0.1   consul-sg  lan=127.0.0.1, lan_ipv4=127.0.0.1, wan=127.0.0.1, wan_ipv4=127.0.0.1  consul-network-segment=, consul-version=1.20.1\n" +
            "n2                a                                     10.1.10.12  consul-sg                                                                        \n",
            result.Out);
    }

    [Fact]
    public async Task NodesForAServiceUseTheServiceEndpointAndNodeMeta()
    {
        _agent.On("GET", "/v1/catalog/service/counting", """
            [{"ID":"40e4a748-2192-161a-0510-9bf59fe950b5","Node":"sample-node-name","Address":"127.0.0.1","Datacenter":"consul-sg",
              "TaggedAddresses":{"lan":"127.0.0.1"},"NodeMeta":{"consul-network-segment":""},"ServiceKind":"","ServiceID":"counting-1",
              "ServiceName":"counting","ServiceTags":[],"ServiceAddress":"","ServicePort":9003,"CreateIndex":20,"ModifyIndex":20}]
            """);

        var result = await _agent.RunCliAsync("catalog", "nodes", "-service=counting", "-node-meta", "rack=r1", "-near=_agent");

        Assert.Equal(new CliResult(0, "Node              ID        Address    DC\nsample-node-name  40e4a748  127.0.0.1  consul-sg\n", ""), result);
        var query = _agent.Single("GET", "/v1/catalog/service/counting").Query;
        Assert.Equal("rack:r1", query["node-meta"]);
        Assert.Equal("_agent", query["near"]);
    }

    [Fact]
    public async Task NoNodesIsAHintOnStderrAndSuccess()
    {
        _agent.On("GET", "/v1/catalog/nodes", "[]");

        var result = await _agent.RunCliAsync("catalog", "nodes");

        Assert.Equal(new CliResult(0, "", "No nodes match the given query - try expanding your search.\n"), result);
    }

    [Fact]
    public async Task ServicesPrintsSortedNames()
    {
        _agent.On("GET", "/v1/catalog/services", """{"dashboard":[],"counting-sidecar-proxy":[],"consul":[],"counting":["v1","primary"]}""");

        var result = await _agent.RunCliAsync("catalog", "services");

        Assert.Equal(new CliResult(0, "consul\ncounting\ncounting-sidecar-proxy\ndashboard\n", ""), result);
    }

    [Fact]
    public async Task ServicesWithTagsAlignsTheSortedTags()
    {
        _agent.On("GET", "/v1/catalog/services", """{"consul":[],"counting":["v1","primary"],"redis":["a"]}""");

        var result = await _agent.RunCliAsync("catalog", "services", "-tags");

        Assert.Equal(new CliResult(0, "consul        \ncounting      primary,v1\nredis         a\n", ""), result);
    }

    [Fact]
    public async Task ServicesOfANodeComeFromTheNodeEndpoint()
    {
        _agent.On("GET", "/v1/catalog/node/sample-node-name", """
            {"Node":{"ID":"40e4a748-2192-161a-0510-9bf59fe950b5","Node":"sample-node-name","Address":"127.0.0.1","Datacenter":"consul-sg"},
             "Services":{"counting-1":{"ID":"counting-1","Service":"counting","Tags":["b"],"Port":9003},
                         "counting-2":{"ID":"counting-2","Service":"counting","Tags":["a"],"Port":9004},
                         "dashboard":{"ID":"dashboard","Service":"dashboard","Tags":[],"Port":9002}}}
            """);

        var result = await _agent.RunCliAsync("catalog", "services", "-node=sample-node-name", "-tags");

        // Consul trims the tabwriter's output, so only the last line loses its padding.
        Assert.Equal(new CliResult(0, "counting       a,b\ndashboard\n", ""), result);
    }

    [Fact]
    public async Task AnUnknownNodeHasNoServices()
    {
        _agent.On("GET", "/v1/catalog/node/ghost", "null");

        var result = await _agent.RunCliAsync("catalog", "services", "-node", "ghost");

        Assert.Equal(new CliResult(0, "", "No services match the given query - try expanding your search.\n"), result);
    }

    [Fact]
    public async Task AnUnknownDatacenterIsAnError()
    {
        _agent.On("GET", "/v1/catalog/services", "No path to datacenter", status: 500);

        var result = await _agent.RunCliAsync("catalog", "services", "-datacenter", "nowhere");

        Assert.Equal(new CliResult(1, "", "Error listing services: Unexpected response code: 500 (No path to datacenter)\n"), result);
        Assert.Equal("nowhere", _agent.Single("GET", "/v1/catalog/services").Query["dc"]);
    }

    [Fact]
    public async Task ExtraArgumentsAreRejected()
    {
        var result = await _agent.RunCliAsync("catalog", "nodes", "extra");

        Assert.Equal(new CliResult(1, "", "Too many arguments (expected 0, got 1)\n"), result);
    }

    [Fact]
    public async Task NodeMetaWithoutEqualsIsAFlagError()
    {
        var result = await _agent.RunCliAsync("catalog", "nodes", "-node-meta=rack");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("invalid value \"rack\" for flag -node-meta: Missing \"=\" value in argument: rack\nRun 'mesh catalog nodes -help' for usage.\n", result.Error);
    }
}
