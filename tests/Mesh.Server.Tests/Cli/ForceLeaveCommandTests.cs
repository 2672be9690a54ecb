namespace Mesh.Server.Tests.Cli;

/// <summary><c>mesh force-leave</c> against a real HTTP server answering as the agent.</summary>
public sealed class ForceLeaveCommandTests
{
    [Fact]
    public async Task ForceLeaveIsSilentOnSuccess()
    {
        await using var agent = (await FakeConsulAgent.StartAsync()).On("PUT", "/v1/agent/force-leave/node-2", "");

        var result = await agent.RunCliAsync("force-leave", "node-2");

        Assert.Equal(new CliResult(0, "", ""), result);
        Assert.Empty(agent.Single("PUT", "/v1/agent/force-leave/node-2").Query);
    }

    [Fact]
    public async Task PruneAndWanGoAsQueryParameters()
    {
        await using var agent = (await FakeConsulAgent.StartAsync()).On("PUT", "/v1/agent/force-leave/node-2.dc1", "");

        var result = await agent.RunCliAsync("force-leave", "-prune", "-wan", "node-2.dc1");

        Assert.Equal(new CliResult(0, "", ""), result);
        var query = agent.Single("PUT", "/v1/agent/force-leave/node-2.dc1").Query;
        Assert.Equal(("1", "1"), (query["prune"], query["wan"]));
    }

    [Fact]
    public async Task TheAgentsErrorIsReported()
    {
        await using var agent = await FakeConsulAgent.StartAsync();
        agent.On("PUT", "/v1/agent/force-leave/ghost", "agent: No node found with name 'ghost'", status: 500);

        var result = await agent.RunCliAsync("force-leave", "ghost");

        Assert.Equal(new CliResult(1, "", "Error force leaving: Unexpected response code: 500 (agent: No node found with name 'ghost')\n"), result);
    }

    [Theory]
    [InlineData]
    [InlineData("node-1", "node-2")]
    public async Task AnythingButOneNodeIsAUsageErrorWithTheHelp(params string[] nodes)
    {
        await using var agent = await FakeConsulAgent.StartAsync();

        var result = await agent.RunCliAsync(["force-leave", .. nodes]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.StartsWith("A single node name must be specified to force leave.\n\nUsage: mesh force-leave [options] name\n", result.Error);
        Assert.Contains("\nCommand Options\n\n  -prune\n     Remove agent completely from list of members\n", result.Error);
        Assert.Empty(agent.Requests);
    }
}
