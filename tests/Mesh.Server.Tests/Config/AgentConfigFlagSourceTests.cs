using Mesh.Server.Cli;
using Mesh.Server.Config;
using Mesh.Server.Tests.Cli;

namespace Mesh.Server.Tests.Config;

/// <summary><c>-hcl</c> fragments (sources of their own, after files and flags) and <c>-bootstrap</c>.</summary>
public sealed class AgentConfigFlagSourceTests : IDisposable
{
    private readonly TempConfigDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string DataDir => Path.Combine(_dir.Path, "data");

    private AgentConfig Load(params string[] hcl) => AgentConfigLoader.Load(new AgentFlags { DataDir = DataDir, Hcl = hcl }, "h");

    [Fact]
    public void Hcl_fragments_come_after_files_and_flags_scalars_override_and_lists_append()
    {
        var file = _dir.Write("agent.hcl", "datacenter = \"file\"\nnode_name = \"file\"\nretry_join = [\"file\"]\nraft_trailing_logs = 1\n");
        var flags = new AgentFlags
        {
            DataDir = DataDir,
            ConfigFiles = [file],
            Datacenter = "flag",
            NodeName = "flag",
            RetryJoin = ["flag"],
            Hcl = ["datacenter = \"hcl1\"\nretry_join = [\"h1\"]", "retry_join = [\"h2\"]\nraft_trailing_logs = 7\ndatacenter = \"hcl2\""],
        };

        var config = AgentConfigLoader.Load(flags, "h");

        Assert.Equal(("hcl2", "flag", 7), (config.Datacenter, config.NodeName, config.RaftTrailingLogs));
        Assert.Equal(["flag", "file", "h1", "h2"], config.RetryJoin);
    }

    [Fact]
    public void An_hcl_fragment_sets_sections_and_may_be_json()
    {
        var config = Load("performance { rpc_hold_timeout = \"2s\" }\nautopilot { min_quorum = 3 }", "{\"raft_snapshot_threshold\": 100}", "");

        Assert.Equal((TimeSpan.FromSeconds(2), 3, 100), (config.RpcHoldTimeout, config.Autopilot.MinQuorum, config.RaftSnapshotThreshold));
    }

    [Theory]
    [InlineData("-hcl:1:1: unknown key \"bogus\"", "bogus = 1")]
    [InlineData("-hcl:1:13: expected a value, found end of file", "node_name = ")]
    [InlineData("-hcl:1:33: autopilot.max_trailing_logs cannot be -1. Must be greater than or equal to zero", "autopilot { max_trailing_logs = -1 }")]
    [InlineData("-hcl#2:2:1: duplicate key \"server\"", "server = true", "server = true\nserver = false")]
    [InlineData("-hcl#3:1:13: \"bootstrap\" must be true or false, got a number", "", "server = true", "bootstrap = 1")]
    [InlineData("-hcl#2:1:13: 'bootstrap = true' requires 'server = true'", "server = false", "bootstrap = true")]
    public void Errors_in_a_fragment_name_it(string message, params string[] hcl)
    {
        ParsingAssert.Fails(message, () => Load(hcl));
    }

    [Fact]
    public void Bootstrap_flag_is_bootstrap_true()
    {
        var config = AgentConfigLoader.Load(new AgentFlags { Server = true, Bootstrap = true, DataDir = DataDir }, "h");

        Assert.Equal((true, 0), (config.Bootstrap, config.BootstrapExpect));
    }

    [Fact]
    public void Bootstrap_flag_overrides_the_files()
    {
        var file = _dir.Write("agent.hcl", "server = true\nbootstrap = true\n");

        var config = AgentConfigLoader.Load(new AgentFlags { Bootstrap = false, DataDir = DataDir, ConfigFiles = [file] }, "h");

        Assert.False(config.Bootstrap);
    }

    [Fact]
    public void Bootstrap_flag_errors_name_the_flag()
    {
        ParsingAssert.Fails("flag -bootstrap: 'bootstrap = true' requires 'server = true'",
            () => AgentConfigLoader.Load(new AgentFlags { Bootstrap = true, DataDir = DataDir }, "h"));
    }

    [Fact]
    public async Task The_command_line_reaches_the_config()
    {
        var flags = await ParseAgentAsync(
            "-server", "-bootstrap", $"-data-dir={DataDir}", "-hcl", "raft_snapshot_threshold = 100",
            "--hcl=autopilot { cleanup_dead_servers = false }", "-hcl", "leave_on_terminate = true");

        var config = AgentConfigLoader.Load(flags, "h");

        Assert.Equal(["raft_snapshot_threshold = 100", "autopilot { cleanup_dead_servers = false }", "leave_on_terminate = true"], flags.Hcl);
        Assert.True(config.Server && config.Bootstrap && config.LeaveOnTerminate);
        Assert.Equal(100, config.RaftSnapshotThreshold);
        Assert.False(config.Autopilot.CleanupDeadServers);
    }

    [Fact]
    public async Task Bootstrap_is_null_unless_given_and_takes_an_explicit_false()
    {
        var unset = await ParseAgentAsync("-dev");
        var off = await ParseAgentAsync("-bootstrap=false");

        Assert.Null(unset.Bootstrap);
        Assert.Empty(unset.Hcl);
        Assert.False(off.Bootstrap);
    }

    [Fact]
    public async Task Hcl_needs_a_value()
    {
        var error = new StringWriter();
        var context = AgentFlagTests.Context(new StringWriter(), error, (_, _) => Task.FromResult(0));

        var exit = await MeshCommand.RunAsync(["agent", "-hcl"], context, handleTermination: false, CancellationToken.None);

        Assert.Equal(1, exit);
        Assert.Equal("flag needs an argument: -hcl\nRun 'mesh agent -help' for usage.\n", error.ToString());
    }

    private static async Task<AgentFlags> ParseAgentAsync(params string[] args)
    {
        AgentFlags? captured = null;
        var context = AgentFlagTests.Context(new StringWriter(), new StringWriter(), (flags, _) =>
        {
            captured = flags;
            return Task.FromResult(0);
        });

        Assert.Equal(0, await MeshCommand.RunAsync(["agent", .. args], context, handleTermination: false, CancellationToken.None));
        return captured!;
    }
}
