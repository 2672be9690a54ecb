namespace Mesh.Server.Tests.Cli;

/// <summary><c>mesh keygen</c>.</summary>
public sealed class KeygenCommandTests
{
    [Fact]
    public async Task PrintsOneBase64KeyOf32Bytes()
    {
        var result = await CliRunner.RunAsync("keygen");

        Assert.Equal((0, ""), (result.ExitCode, result.Error));
        Assert.EndsWith("\n", result.Out);
        var key = result.Out[..^1];
        Assert.DoesNotContain('\n', key);
        Assert.Equal(32, Convert.FromBase64String(key).Length);
    }

    [Fact]
    public async Task EveryRunMakesANewKey()
    {
        var first = await CliRunner.RunAsync("keygen");
        var second = await CliRunner.RunAsync("keygen");

        Assert.Equal((0, 0), (first.ExitCode, second.ExitCode));
        Assert.NotEqual(first.Out, second.Out);
    }

    [Fact]
    public async Task HelpIsConsulsText()
    {
        var result = await CliRunner.RunAsync("keygen", "-help");

        Assert.Equal(new CliResult(0,
            "Usage: mesh keygen\n\n" +
            "  Generates a new 32-byte encryption key that can be used to configure the\n" +
            "  agent to encrypt traffic. The output of this command is already\n" +
            "  in the proper format that the agent expects.\n", ""), result);
    }
}
