using Mesh.Server.Cli;
using Mesh.Server.Config;

namespace Mesh.Server.Tests.Cli;

/// <summary>
/// <c>mesh agent</c>'s flags in every form Go's flag package accepts, mapped into <see cref="AgentFlags"/>.
/// </summary>
public sealed class AgentFlagTests
{
    [Theory]
    [InlineData("-dev")]
    [InlineData("--dev")]
    [InlineData("-dev=true")]
    [InlineData("--dev=true")]
    [InlineData("-dev=1")]
    [InlineData("-dev=T")]
    public async Task BooleanFlagIsTrueAloneOrWithTrueValue(string flag)
    {
        var (exit, flags, _) = await RunAgentAsync(flag);

        Assert.Equal(0, exit);
        Assert.True(flags!.Dev);
    }

    [Theory]
    [InlineData("-dev=false")]
    [InlineData("--dev=false")]
    [InlineData("-dev=0")]
    public async Task BooleanFlagTakesAnExplicitFalse(string flag)
    {
        var (_, flags, _) = await RunAgentAsync(flag);

        Assert.False(flags!.Dev);
    }

    [Fact]
    public async Task OptionalBooleansAreNullUnlessGiven()
    {
        var (_, unset, _) = await RunAgentAsync("-dev");
        var (_, set, _) = await RunAgentAsync("-server=false", "-enable-script-checks", "--enable-local-script-checks=true");

        Assert.Null(unset!.Server);
        Assert.Null(unset.EnableScriptChecks);
        Assert.False(set!.Server);
        Assert.True(set.EnableScriptChecks);
        Assert.True(set.EnableLocalScriptChecks);
    }

    [Theory]
    [InlineData("-http-port", "9500")]
    [InlineData("-http-port=9500")]
    [InlineData("--http-port", "9500")]
    [InlineData("--http-port=9500")]
    public async Task ValueFlagTakesItsValueInEveryForm(params string[] args)
    {
        var (exit, flags, _) = await RunAgentAsync(args);

        Assert.Equal(0, exit);
        Assert.Equal(9500, flags!.HttpPort);
    }

    [Fact]
    public async Task EveryAgentFlagMapsToItsField()
    {
        var (exit, flags, _) = await RunAgentAsync(
            "-dev", "-server", "-bootstrap-expect=3", "-join=10.0.0.1", "-join", "10.0.0.2", "--retry-join=10.0.0.3",
            "-node", "sample-node-name", "-datacenter=Consul-SG", "-data-dir=/opt/mesh", "-config-dir=/etc/a",
            "--config-dir", "/etc/b", "-config-file=/etc/c.hcl", "-bind=10.0.0.9", "-client=0.0.0.0", "-http-port=8501",
            "-dns-port=8601", "-server-port=8301", "-serf-lan-port=8302", "-grpc-port=8503", "-enable-script-checks",
            "-enable-local-script-checks=false", "-log-level=DEBUG", "-encrypt=pUqJrVyVRj5jsiYEkM/tFQ==");

        Assert.Equal(0, exit);
        Assert.Equal(["10.0.0.1", "10.0.0.2"], flags!.Join);
        Assert.Equal(["10.0.0.3"], flags.RetryJoin);
        Assert.Equal(["/etc/a", "/etc/b"], flags.ConfigDirs);
        Assert.Equal(["/etc/c.hcl"], flags.ConfigFiles);
        // Record equality compares lists by reference, so compare the scalars with the lists set aside.
        string[] none = [];
        Assert.Equal(new AgentFlags
        {
            Dev = true,
            Server = true,
            BootstrapExpect = 3,
            Join = none,
            RetryJoin = none,
            NodeName = "sample-node-name",
            Datacenter = "Consul-SG",
            DataDir = "/opt/mesh",
            ConfigDirs = none,
            ConfigFiles = none,
            BindAddr = "10.0.0.9",
            ClientAddr = "0.0.0.0",
            HttpPort = 8501,
            DnsPort = 8601,
            ServerPort = 8301,
            SerfLanPort = 8302,
            GrpcPort = 8503,
            EnableScriptChecks = true,
            EnableLocalScriptChecks = false,
            LogLevel = "DEBUG",
            Encrypt = "pUqJrVyVRj5jsiYEkM/tFQ==",
        }, flags with { Join = none, RetryJoin = none, ConfigDirs = none, ConfigFiles = none });
    }

    [Fact]
    public async Task SeedCommandLineParses()
    {
        var (exit, flags, _) = await RunAgentAsync("-dev", "-enable-script-checks", "-config-dir=/root/consul");

        Assert.Equal(0, exit);
        Assert.True(flags!.Dev);
        Assert.True(flags.EnableScriptChecks);
        Assert.Equal(["/root/consul"], flags.ConfigDirs);
    }

    [Fact]
    public async Task ARepeatedSingleValuedFlagKeepsTheLastValue()
    {
        var (_, flags, _) = await RunAgentAsync("-node=a", "-node", "b");

        Assert.Equal("b", flags!.NodeName);
    }

    [Fact]
    public async Task AValueMayLookLikeAFlag()
    {
        var (_, flags, _) = await RunAgentAsync("-node", "-dev");

        Assert.Equal("-dev", flags!.NodeName);
        Assert.False(flags.Dev);
    }

    [Fact]
    public async Task AnEmptyValueIsAValue()
    {
        var (exit, flags, _) = await RunAgentAsync("-node=", "-dev");

        Assert.Equal(0, exit);
        Assert.Equal("", flags!.NodeName);
    }

    [Fact]
    public async Task CancellingTheRunStopsTheAgentAndItsExitCodeIsReturned()
    {
        using var cancellation = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var context = Context(new StringWriter(), new StringWriter(), async (_, token) =>
        {
            started.SetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, token);
                return 0;
            }
            catch (OperationCanceledException)
            {
                return 3;
            }
        });

        var run = MeshCommand.RunAsync(["agent", "-dev"], context, handleTermination: false, cancellation.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(run.IsCompleted);
        await cancellation.CancelAsync();

        Assert.Equal(3, await run.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData("flag provided but not defined: -bogus", "-bogus")]
    [InlineData("flag provided but not defined: -bogus", "--bogus=1")]
    [InlineData("invalid boolean value \"maybe\" for -dev: parse error", "-dev=maybe")]
    [InlineData("invalid value \"abc\" for flag -http-port: parse error", "-http-port=abc")]
    [InlineData("invalid value \"99999999999\" for flag -http-port: value out of range", "-http-port", "99999999999")]
    [InlineData("flag needs an argument: -node", "-node")]
    [InlineData("bad flag syntax: ---dev", "---dev")]
    [InlineData("bad flag syntax: -=x", "-=x")]
    [InlineData("Too many arguments (expected 0, got 1)", "-dev", "extra")]
    public async Task BadUsageIsOneLineAndAHintWithExitCode1(string message, params string[] args)
    {
        var (exit, flags, error) = await RunAgentAsync(args);

        Assert.Equal(1, exit);
        Assert.Null(flags);
        var expected = message.StartsWith("Too many", StringComparison.Ordinal)
            ? message + "\n"
            : $"{message}\nRun 'mesh agent -help' for usage.\n";
        Assert.Equal(expected, error);
    }

    private static async Task<(int Exit, AgentFlags? Flags, string Error)> RunAgentAsync(params string[] args)
    {
        AgentFlags? captured = null;
        var error = new StringWriter();
        var context = Context(new StringWriter(), error, (flags, _) =>
        {
            captured = flags;
            return Task.FromResult(0);
        });
        var exit = await MeshCommand.RunAsync(["agent", .. args], context, handleTermination: false, CancellationToken.None);
        return (exit, captured, error.ToString());
    }

    internal static CliContext Context(TextWriter output, TextWriter error, Func<AgentFlags, CancellationToken, Task<int>> runAgent) =>
        new(output, error, TextReader.Null, _ => null, runAgent);
}
