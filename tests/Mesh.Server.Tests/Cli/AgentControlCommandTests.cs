namespace Mesh.Server.Tests.Cli;

/// <summary><c>mesh leave</c> and <c>mesh version</c>.</summary>
public sealed class AgentControlCommandTests
{
    private const string Version =
        "MeshAspire v0.1.0\n" +
        "Protocol 2 spoken by default, understands 2 to 3 (agent will automatically use protocol >2 when speaking to compatible agents)\n" +
        "\n";

    [Fact]
    public async Task LeaveAsksTheAgentToLeave()
    {
        await using var agent = (await FakeConsulAgent.StartAsync()).On("PUT", "/v1/agent/leave", "");

        var result = await agent.RunCliAsync("leave");

        Assert.Equal(new CliResult(0, "Graceful leave complete\n", ""), result);
        agent.Single("PUT", "/v1/agent/leave");
    }

    [Fact]
    public async Task LeaveFailureIsReported()
    {
        await using var agent = await FakeConsulAgent.StartAsync();
        agent.On("PUT", "/v1/agent/leave", "Permission denied", status: 403);

        var result = await agent.RunCliAsync("leave", "-token=anonymous");

        Assert.Equal(new CliResult(1, "", "Error leaving: Unexpected response code: 403 (Permission denied)\n"), result);
    }

    [Fact]
    public async Task LeaveRejectsArgumentsAndShowsItsHelp()
    {
        var result = await CliRunner.RunAsync("leave", "now");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("Error found unexpected args: [now]\n", result.Error);
        Assert.StartsWith("Usage: mesh leave [options]", result.Out);
    }

    [Theory]
    [InlineData("version")]
    [InlineData("-v")]
    [InlineData("--version")]
    [InlineData("-version")]
    public async Task VersionIsPrintedLikeConsuls(string arg)
    {
        var result = await CliRunner.RunAsync(arg);

        Assert.Equal(new CliResult(0, Version, ""), result);
    }
}
