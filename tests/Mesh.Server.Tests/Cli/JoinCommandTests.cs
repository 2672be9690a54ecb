namespace Mesh.Server.Tests.Cli;

/// <summary><c>mesh join</c> against a real HTTP server answering as the agent.</summary>
public sealed class JoinCommandTests
{
    private const string Refused = "Error joining address '10.0.0.9:8301': Unexpected response code: 500 " +
        "(1 error occurred:\n\t* Failed to join 10.0.0.9:8301: dial tcp 10.0.0.9:8301: connect: connection refused)\n";

    [Fact]
    public async Task JoinsEveryAddressAndCountsThem()
    {
        await using var agent = (await FakeConsulAgent.StartAsync())
            .On("PUT", "/v1/agent/join/10.0.0.1:8301", "")
            .On("PUT", "/v1/agent/join/10.0.0.2", "");

        var result = await agent.RunCliAsync("join", "10.0.0.1:8301", "10.0.0.2");

        Assert.Equal(new CliResult(0, "Successfully joined cluster by contacting 2 nodes.\n", ""), result);
        Assert.Empty(agent.Single("PUT", "/v1/agent/join/10.0.0.1:8301").Query);
        agent.Single("PUT", "/v1/agent/join/10.0.0.2");
    }

    [Fact]
    public async Task WanJoinsTheWanPool()
    {
        await using var agent = (await FakeConsulAgent.StartAsync()).On("PUT", "/v1/agent/join/10.0.0.1", "");

        var result = await agent.RunCliAsync("join", "-wan", "10.0.0.1");

        Assert.Equal(new CliResult(0, "Successfully joined cluster by contacting 1 nodes.\n", ""), result);
        Assert.Equal("1", agent.Single("PUT", "/v1/agent/join/10.0.0.1").Query["wan"]);
    }

    [Fact]
    public async Task AFailedJoinIsReportedWithTheAgentsError()
    {
        await using var agent = await FakeConsulAgent.StartAsync();
        agent.On("PUT", "/v1/agent/join/10.0.0.9:8301", RefusedBody, status: 500);

        var result = await agent.RunCliAsync("join", "10.0.0.9:8301");

        Assert.Equal(new CliResult(1, "", Refused + "Failed to join any nodes.\n"), result);
    }

    [Fact]
    public async Task SomeJoinsSucceedingIsASuccessThatStillReportsTheFailures()
    {
        await using var agent = (await FakeConsulAgent.StartAsync()).On("PUT", "/v1/agent/join/10.0.0.1", "");
        agent.On("PUT", "/v1/agent/join/10.0.0.9:8301", RefusedBody, status: 500);

        var result = await agent.RunCliAsync("join", "10.0.0.9:8301", "10.0.0.1");

        Assert.Equal(new CliResult(0, "Successfully joined cluster by contacting 1 nodes.\n", Refused), result);
        Assert.Equal(2, agent.Requests.Count);
    }

    [Fact]
    public async Task NoAddressIsAUsageErrorWithTheHelp()
    {
        await using var agent = await FakeConsulAgent.StartAsync();

        var result = await agent.RunCliAsync("join", "-wan");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.StartsWith("At least one address to join must be specified.\n\nUsage: mesh join [options] address ...\n", result.Error);
        Assert.Contains("\n  -wan\n     Joins a server to another server in the WAN pool.\n", result.Error);
        Assert.Empty(agent.Requests);
    }

    private const string RefusedBody = "1 error occurred:\n\t* Failed to join 10.0.0.9:8301: dial tcp 10.0.0.9:8301: connect: connection refused\n\n";
}
