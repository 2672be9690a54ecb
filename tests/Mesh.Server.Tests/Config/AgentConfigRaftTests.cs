using Mesh.Server.Config;

namespace Mesh.Server.Tests.Config;

/// <summary>Raft log compaction, rpc_hold_timeout, autopilot and the leave-on-signal settings.</summary>
public sealed class AgentConfigRaftTests : IDisposable
{
    private static readonly AutopilotConfig _consulAutopilot = new()
    {
        CleanupDeadServers = true,
        LastContactThreshold = TimeSpan.FromMilliseconds(200),
        MaxTrailingLogs = 250,
        MinQuorum = 0,
        ServerStabilizationTime = TimeSpan.FromSeconds(10),
    };

    private readonly TempConfigDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string DataDir => Path.Combine(_dir.Path, "data");

    private AgentConfig LoadFile(string name, string content, bool server = false) =>
        AgentConfigLoader.Load(new AgentFlags { Server = server, DataDir = DataDir, ConfigFiles = [_dir.Write(name, content)] }, "h");

    [Fact]
    public void Defaults_are_consuls()
    {
        var config = AgentConfigLoader.Load(new AgentFlags { DataDir = DataDir }, "h");

        Assert.Equal((16384, 10240), (config.RaftSnapshotThreshold, config.RaftTrailingLogs));
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(7)), (config.RaftSnapshotInterval, config.RpcHoldTimeout));
        Assert.Equal(_consulAutopilot, config.Autopilot);
    }

    [Fact]
    public void Dev_mode_keeps_the_raft_and_autopilot_defaults()
    {
        var config = AgentConfigLoader.Load(new AgentFlags { Dev = true }, "h");

        Assert.Equal((16384, 10240), (config.RaftSnapshotThreshold, config.RaftTrailingLogs));
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(7)), (config.RaftSnapshotInterval, config.RpcHoldTimeout));
        Assert.Equal(_consulAutopilot, config.Autopilot);
    }

    [Fact]
    public void A_client_leaves_on_any_signal_and_a_server_on_none_by_default()
    {
        var client = AgentConfigLoader.Load(new AgentFlags { DataDir = DataDir }, "h");
        var server = AgentConfigLoader.Load(new AgentFlags { Server = true, DataDir = DataDir }, "h");
        var dev = AgentConfigLoader.Load(new AgentFlags { Dev = true }, "h");

        Assert.Equal((true, false), (client.LeaveOnTerminate, client.SkipLeaveOnInterrupt));
        Assert.Equal((false, true), (server.LeaveOnTerminate, server.SkipLeaveOnInterrupt));
        Assert.Equal((false, true), (dev.LeaveOnTerminate, dev.SkipLeaveOnInterrupt));
    }

    [Fact]
    public void Leave_settings_in_a_file_override_the_mode_defaults()
    {
        var server = LoadFile("a.hcl", "leave_on_terminate = true\nskip_leave_on_interrupt = false\n", server: true);
        var client = LoadFile("b.hcl", "leave_on_terminate = false\nskip_leave_on_interrupt = true\n");

        Assert.Equal((true, false), (server.LeaveOnTerminate, server.SkipLeaveOnInterrupt));
        Assert.Equal((false, true), (client.LeaveOnTerminate, client.SkipLeaveOnInterrupt));
    }

    [Fact]
    public void Hcl_file_sets_every_value()
    {
        var config = LoadFile("agent.hcl", """
            raft_snapshot_threshold = 100
            raft_trailing_logs = 0
            raft_snapshot_interval = "5s"
            performance {
              raft_multiplier = 2
              rpc_hold_timeout = "1m30s"
            }
            autopilot {
              cleanup_dead_servers = false
              last_contact_threshold = "1s"
              max_trailing_logs = 0
              min_quorum = 3
              server_stabilization_time = "0s"
            }
            """, server: true);

        Assert.Equal((100, 0, TimeSpan.FromSeconds(5)), (config.RaftSnapshotThreshold, config.RaftTrailingLogs, config.RaftSnapshotInterval));
        Assert.Equal((2, TimeSpan.FromSeconds(90)), (config.RaftMultiplier, config.RpcHoldTimeout));
        Assert.Equal(new AutopilotConfig
        {
            CleanupDeadServers = false,
            LastContactThreshold = TimeSpan.FromSeconds(1),
            MaxTrailingLogs = 0,
            MinQuorum = 3,
            ServerStabilizationTime = TimeSpan.Zero,
        }, config.Autopilot);
    }

    [Fact]
    public void Json_file_takes_durations_as_strings_or_nanoseconds()
    {
        var config = LoadFile("agent.json", """
            {
              "raft_snapshot_threshold": 200,
              "raft_trailing_logs": 50,
              "raft_snapshot_interval": 5000000000,
              "performance": {"rpc_hold_timeout": "3s"},
              "autopilot": {"last_contact_threshold": 500000000, "server_stabilization_time": "20s"},
              "leave_on_terminate": true
            }
            """);

        Assert.Equal((200, 50, TimeSpan.FromSeconds(5)), (config.RaftSnapshotThreshold, config.RaftTrailingLogs, config.RaftSnapshotInterval));
        Assert.Equal(TimeSpan.FromSeconds(3), config.RpcHoldTimeout);
        Assert.Equal(_consulAutopilot with { LastContactThreshold = TimeSpan.FromMilliseconds(500), ServerStabilizationTime = TimeSpan.FromSeconds(20) }, config.Autopilot);
        Assert.True(config.LeaveOnTerminate);
    }

    [Fact]
    public void Autopilot_merges_key_by_key_across_files()
    {
        _dir.Write("conf/1.hcl", "autopilot { min_quorum = 3, max_trailing_logs = 10 }\nraft_trailing_logs = 1\n");
        _dir.Write("conf/2.hcl", "autopilot { max_trailing_logs = 20 }\nraft_trailing_logs = 2\n");

        var config = AgentConfigLoader.Load(new AgentFlags { DataDir = DataDir, ConfigDirs = [Path.Combine(_dir.Path, "conf")] }, "h");

        Assert.Equal(_consulAutopilot with { MinQuorum = 3, MaxTrailingLogs = 20 }, config.Autopilot);
        Assert.Equal(2, config.RaftTrailingLogs);
    }

    [Fact]
    public void Enterprise_autopilot_keys_are_accepted_and_ignored()
    {
        var config = LoadFile("agent.hcl", """
            autopilot {
              redundancy_zone_tag = "zone"
              disable_upgrade_migration = true
              upgrade_version_tag = "build"
              min_quorum = 5
            }
            """);

        Assert.Equal(_consulAutopilot with { MinQuorum = 5 }, config.Autopilot);
    }

    [Theory]
    [InlineData("raft_snapshot_threshold = 0", "{file}:1:27: raft_snapshot_threshold cannot be 0. Must be positive")]
    [InlineData("raft_snapshot_threshold = -5", "{file}:1:27: raft_snapshot_threshold cannot be -5. Must be positive")]
    [InlineData("raft_snapshot_threshold = \"many\"", "{file}:1:27: \"raft_snapshot_threshold\" must be an integer, got a string")]
    [InlineData("raft_trailing_logs = -1", "{file}:1:22: raft_trailing_logs cannot be -1. Must be greater than or equal to zero")]
    [InlineData("raft_snapshot_interval = \"0s\"", "{file}:1:26: raft_snapshot_interval cannot be 0s. Must be positive")]
    [InlineData("raft_snapshot_interval = \"soon\"", "{file}:1:26: \"raft_snapshot_interval\": invalid duration \"soon\"")]
    [InlineData("performance {\n  rpc_hold_timeout = \"-1s\"\n}", "{file}:2:22: performance.rpc_hold_timeout cannot be -1s. Must be positive")]
    [InlineData("autopilot { max_trailing_logs = -1 }", "{file}:1:33: autopilot.max_trailing_logs cannot be -1. Must be greater than or equal to zero")]
    [InlineData("autopilot { min_quorum = -1 }", "{file}:1:26: autopilot.min_quorum cannot be -1. Must be greater than or equal to zero")]
    [InlineData("autopilot { last_contact_threshold = \"0s\" }", "{file}:1:38: autopilot.last_contact_threshold cannot be 0s. Must be positive")]
    [InlineData("autopilot { server_stabilization_time = \"-10s\" }", "{file}:1:41: autopilot.server_stabilization_time cannot be -10s. Must be greater than or equal to zero")]
    [InlineData("autopilot { cleanup_dead_servers = \"yes\" }", "{file}:1:36: \"cleanup_dead_servers\" must be true or false, got a string")]
    [InlineData("autopilot { max_trailing_logz = 1 }", "{file}:1:13: unknown key \"max_trailing_logz\"")]
    [InlineData("autopilot = 5", "{file}:1:13: \"autopilot\" must be an object, got a number")]
    [InlineData("leave_on_terminate = \"yes\"", "{file}:1:22: \"leave_on_terminate\" must be true or false, got a string")]
    [InlineData("skip_leave_on_interrupt = true\nskip_leave_on_interrupt = false", "{file}:2:1: duplicate key \"skip_leave_on_interrupt\"")]
    public void Invalid_values_name_their_location(string content, string message)
    {
        var path = _dir.Write("agent.hcl", content);

        ParsingAssert.Fails(message.Replace("{file}", path, StringComparison.Ordinal),
            () => AgentConfigLoader.Load(new AgentFlags { DataDir = DataDir, ConfigFiles = [path] }, "h"));
    }

    [Fact]
    public void Json_errors_name_their_location_too()
    {
        var path = _dir.Write("agent.json", "{\n  \"autopilot\": {\"max_trailing_logs\": -1}\n}");

        ParsingAssert.Fails($"{path}:2:38: autopilot.max_trailing_logs cannot be -1. Must be greater than or equal to zero",
            () => AgentConfigLoader.Load(new AgentFlags { DataDir = DataDir, ConfigFiles = [path] }, "h"));
    }
}
