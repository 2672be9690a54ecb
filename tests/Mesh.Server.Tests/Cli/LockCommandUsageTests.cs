namespace Mesh.Server.Tests.Cli;

/// <summary>`mesh lock` refusing what it cannot run, before it talks to any agent, in Consul's words.</summary>
public sealed class LockCommandUsageTests
{
    [Theory]
    [InlineData("Key prefix and child command must be specified\n", "lock")]
    [InlineData("Key prefix and child command must be specified\n", "lock", "prefix")]
    [InlineData("Lock holder limit must be positive\n", "lock", "-n=0", "prefix", "true")]
    [InlineData("invalid value \"soon\" for flag -timeout: parse error\n", "lock", "-timeout=soon", "prefix", "true")]
    public async Task Bad_usage_fails_with_one_line(string error, params string[] args)
    {
        var result = await CliRunner.RunAsync(args);
        Assert.Equal(new CliResult(1, "", error), result);
    }

    [Fact]
    public async Task Help_lists_the_lock_flags()
    {
        var result = await CliRunner.RunAsync("lock", "-help");
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("Usage: mesh lock [options] prefix child...\n", result.Out);
        foreach (var flag in new[] { "-n=<int>", "-name=<string>", "-shell", "-timeout=<duration>", "-monitor-retry=<int>", "-child-exit-code", "-pass-stdin", "-verbose" })
        {
            Assert.Contains(flag, result.Out);
        }
    }
}
