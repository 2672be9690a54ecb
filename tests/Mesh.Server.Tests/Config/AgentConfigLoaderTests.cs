using System.Text.Json;
using Mesh.Server.Config;

namespace Mesh.Server.Tests.Config;

public sealed class AgentConfigLoaderTests : IDisposable
{
    private readonly TempConfigDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string DataDir => Path.Combine(_dir.Path, "data");

    [Fact]
    public void Defaults_are_consuls_and_the_node_id_persists_in_the_data_dir()
    {
        var flags = new AgentFlags { DataDir = DataDir };

        var config = AgentConfigLoader.Load(flags, "host-a");

        Assert.Equal(("dc1", "host-a", DataDir), (config.Datacenter, config.NodeName, config.DataDir));
        Assert.False(config.Server);
        Assert.False(config.Dev);
        Assert.False(config.Bootstrap);
        Assert.Equal(("0.0.0.0", "127.0.0.1", "127.0.0.1", "127.0.0.1"), (config.BindAddr, config.AdvertiseAddr, config.ClientAddr, config.HttpAddress));
        Assert.Equal(new AgentPorts { Http = 8500, Dns = 8600, Server = 8300, SerfLan = 8301, Grpc = -1, SidecarMinPort = 21000, SidecarMaxPort = 21255 }, config.Ports);
        Assert.Equal(5, config.RaftMultiplier);
        var gossip = new GossipLanConfig
        {
            ProbeInterval = TimeSpan.FromSeconds(1),
            ProbeTimeout = TimeSpan.FromMilliseconds(500),
            IndirectChecks = 3,
            GossipInterval = TimeSpan.FromMilliseconds(200),
            GossipNodes = 3,
            RetransmitMult = 4,
            SuspicionMult = 4,
            PushPullInterval = TimeSpan.FromSeconds(30),
        };
        Assert.Equal(gossip, config.GossipLan);
        Assert.Equal("INFO", config.LogLevel);
        Assert.False(config.EnableScriptChecks || config.EnableLocalScriptChecks || config.ConnectEnabled || config.LogJson);
        Assert.Null(config.Encrypt);
        Assert.Empty(config.Services);
        Assert.Equal(config.NodeId, File.ReadAllText(Path.Combine(DataDir, "node-id")));
        Assert.Equal(config.NodeId, AgentConfigLoader.Load(flags, "host-a").NodeId);
    }

    [Fact]
    public void Dev_mode_is_an_in_memory_bootstrapped_server_with_fast_timings()
    {
        var config = AgentConfigLoader.Load(new AgentFlags { Dev = true }, "host-b");
        var again = AgentConfigLoader.Load(new AgentFlags { Dev = true }, "host-b");

        Assert.Equal("host-b", config.NodeName);
        Assert.Null(config.DataDir);
        Assert.NotEqual(config.NodeId, again.NodeId);
        Assert.True(config.Server && config.Bootstrap && config.ConnectEnabled);
        Assert.False(config.EnableScriptChecks);
        Assert.Equal(("127.0.0.1", "127.0.0.1"), (config.BindAddr, config.AdvertiseAddr));
        Assert.Equal((1, "DEBUG", 8502), (config.RaftMultiplier, config.LogLevel, config.Ports.Grpc));
        Assert.Equal(AgentDefaults.DevGossipLan, config.GossipLan);
        Assert.Equal((TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(100)), (config.GossipLan.ProbeInterval, config.GossipLan.ProbeTimeout));
    }

    [Fact]
    public void Public_load_defaults_the_node_name_to_the_host_name()
    {
        Assert.Equal(System.Net.Dns.GetHostName(), AgentConfigLoader.Load(new AgentFlags { Dev = true }).NodeName);
    }

    [Fact]
    public void Files_merge_in_consul_order_dirs_sorted_lexically_then_config_files()
    {
        var second = new TempConfigDir();
        try
        {
            _dir.Write("b.hcl", "datacenter = \"from-b\"\nnode_meta { x = \"b\", y = \"b\" }\nretry_join = [\"b\"]\nservice { name = \"b\" }\n");
            _dir.Write("B.json", """{"datacenter": "from-upper-b", "node_meta": {"y": "B"}, "retry_join": ["B"], "services": [{"name": "B"}]}""");
            _dir.Write("a.hcl", "datacenter = \"from-a\"\nretry_join = [\"a\"]\nservice { name = \"a\" }\ncheck { id = \"node\", ttl = \"30s\" }\n");
            _dir.Write("notes.txt", "not config");
            _dir.Write("sub/z.hcl", "datacenter = \"from-sub\"\n");
            second.Write("c.hcl", "node_meta { z = \"c\" }\nservice { name = \"c\" }\n");
            var file = _dir.Write("last.conf.hcl", "datacenter = \"from-file\"\nservices = [{ name = \"d\" }, { name = \"e\" }]\nchecks = [{ id = \"node2\", ttl = \"1m\" }]\n");

            var config = AgentConfigLoader.Load(new AgentFlags { Dev = true, ConfigDirs = [_dir.Path, second.Path], ConfigFiles = [file] }, "h");

            // "B.json" sorts before "a.hcl" (ordinal, as Go sorts names); last.conf.hcl also sits in the dir, so it is read twice.
            Assert.Equal(["B", "a", "b", "d", "e", "c", "d", "e"], config.Services.Select(s => s.Name));
            Assert.Equal("from-file", config.Datacenter);
            Assert.Equal(new Dictionary<string, string> { ["x"] = "b", ["y"] = "b", ["z"] = "c" }, config.NodeMeta);
            Assert.Equal(["B", "a", "b"], config.RetryJoin);
            Assert.Equal(["node", "node2", "node2"], config.Checks.Select(c => c.ID));
            Assert.Equal([$"skipping file {Path.Combine(_dir.Path, "notes.txt")}, extension must be .hcl or .json"], config.Warnings);
        }
        finally
        {
            second.Dispose();
        }
    }

    [Fact]
    public void Sections_merge_key_by_key_and_later_files_override_scalars()
    {
        _dir.Write("1.hcl", "ports { http = 1111, dns = 2222 }\ngossip_lan { probe_interval = \"2s\" }\nlog_level = \"warn\"\n");
        _dir.Write("2.hcl", "ports { dns = 3333 }\ngossip_lan { suspicion_mult = 6 }\nperformance { raft_multiplier = 3 }\n");

        var config = AgentConfigLoader.Load(new AgentFlags { Dev = true, ConfigDirs = [_dir.Path] }, "h");

        Assert.Equal((1111, 3333, 8300), (config.Ports.Http, config.Ports.Dns, config.Ports.Server));
        Assert.Equal((TimeSpan.FromSeconds(2), 6, TimeSpan.FromMilliseconds(100)), (config.GossipLan.ProbeInterval, config.GossipLan.SuspicionMult, config.GossipLan.GossipInterval));
        Assert.Equal(3, config.RaftMultiplier);
        Assert.Equal("WARN", config.LogLevel);
    }

    [Fact]
    public void Flags_override_files_and_list_flags_come_first()
    {
        _dir.Write("a.hcl", """
            datacenter = "file-dc"
            node_name = "file-node"
            server = true
            bootstrap_expect = 3
            start_join = ["s1"]
            retry_join = ["r1"]
            bind_addr = "10.0.0.1"
            client_addr = "10.0.0.2"
            data_dir = "/nowhere"
            ports { http = 1, dns = 2, server = 3, serf_lan = 4, grpc = 5 }
            enable_script_checks = true
            log_level = "ERR"
            encrypt = "pUqJrVyVRj5jsiYEkM/tFQYfWyJIv4s3XkvDwy7Cu5s="
            """);
        var flags = new AgentFlags
        {
            ConfigDirs = [_dir.Path],
            Datacenter = "Flag-DC",
            NodeName = "flag-node",
            Server = false,
            BootstrapExpect = 0,
            Join = ["f1"],
            RetryJoin = ["f2"],
            BindAddr = "127.0.0.2",
            ClientAddr = "127.0.0.3",
            DataDir = DataDir,
            HttpPort = 0,
            DnsPort = -1,
            ServerPort = 13,
            SerfLanPort = 14,
            GrpcPort = 15,
            EnableScriptChecks = false,
            EnableLocalScriptChecks = true,
            LogLevel = "trace",
            Encrypt = "AAAAAAAAAAAAAAAAAAAAAA==",
        };

        var config = AgentConfigLoader.Load(flags, "h");

        Assert.Equal(("flag-dc", "flag-node", DataDir), (config.Datacenter, config.NodeName, config.DataDir));
        Assert.False(config.Server);
        Assert.Equal(["f1", "s1"], config.Join);
        Assert.Equal(["f2", "r1"], config.RetryJoin);
        Assert.Equal(("127.0.0.2", "127.0.0.2", "127.0.0.3"), (config.BindAddr, config.AdvertiseAddr, config.ClientAddr));
        Assert.Equal((0, -1, 13, 14, 15), (config.Ports.Http, config.Ports.Dns, config.Ports.Server, config.Ports.SerfLan, config.Ports.Grpc));
        Assert.False(config.EnableScriptChecks);
        Assert.True(config.EnableLocalScriptChecks);
        Assert.Equal(("TRACE", "AAAAAAAAAAAAAAAAAAAAAA=="), (config.LogLevel, config.Encrypt));
    }

    [Fact]
    public void Json_and_hcl_files_load_to_the_same_config()
    {
        var hclDir = new TempConfigDir();
        try
        {
            hclDir.Write("agent.hcl", """
                datacenter = "east"
                node_id = "8A1F6B4E-0F1D-4C2B-9F3A-2B7C6D5E4F3A"
                server = true
                bootstrap_expect = 3
                addresses { dns = "127.0.0.5" }
                advertise_addr = "10.1.1.1"
                node_meta = { rack = "r1" }
                gossip_lan { gossip_nodes = 5, retransmit_mult = 2, probe_timeout = "1s", gossip_interval = "300ms" }
                connect { enabled = true }
                log_json = true
                service {
                  name = "web"
                  port = 80
                  check { http = "http://localhost/health", interval = "10s", header = { "X-A" = ["1"] } }
                }
                """);
            _dir.Write("agent.json", """
                {
                  "datacenter": "east", "node_id": "8A1F6B4E-0F1D-4C2B-9F3A-2B7C6D5E4F3A", "server": true, "bootstrap_expect": 3,
                  "addresses": {"dns": "127.0.0.5"}, "advertise_addr": "10.1.1.1", "node_meta": {"rack": "r1"},
                  "gossip_lan": {"gossip_nodes": 5, "retransmit_mult": 2, "probe_timeout": "1s", "gossip_interval": "300ms"},
                  "connect": {"enabled": true}, "log_json": true,
                  "service": {"name": "web", "port": 80, "check": {"http": "http://localhost/health", "interval": "10s", "header": {"X-A": ["1"]}}}
                }
                """);

            var fromHcl = AgentConfigLoader.Load(new AgentFlags { ConfigDirs = [hclDir.Path], DataDir = DataDir }, "h");
            var fromJson = AgentConfigLoader.Load(new AgentFlags { ConfigDirs = [_dir.Path], DataDir = DataDir }, "h");

            Assert.Equal(JsonSerializer.Serialize(fromHcl), JsonSerializer.Serialize(fromJson));
            Assert.Equal("8a1f6b4e-0f1d-4c2b-9f3a-2b7c6d5e4f3a", fromHcl.NodeId);
            Assert.Equal((3, false), (fromHcl.BootstrapExpect, fromHcl.Bootstrap));
            Assert.Equal(("127.0.0.5", "10.1.1.1"), (fromHcl.DnsAddress, fromHcl.AdvertiseAddr));
            Assert.Equal((5, 2), (fromHcl.GossipLan.GossipNodes, fromHcl.GossipLan.RetransmitMult));
            Assert.True(fromHcl.ConnectEnabled && fromHcl.LogJson);
            Assert.False(Directory.Exists(DataDir));
        }
        finally
        {
            hclDir.Dispose();
        }
    }

    [Fact]
    public void Consul_sections_we_do_not_implement_are_accepted()
    {
        _dir.Write("extra.hcl", """
            ui = true
            ui_config { enabled = true }
            telemetry { prometheus_retention_time = "24h", disable_hostname = true }
            acl { enabled = false, default_policy = "allow" }
            dns_config { allow_stale = true }
            ports { https = -1, serf_wan = 8302 }
            connect { enabled = true, ca_provider = "consul" }
            performance { leave_drain_time = "5s" }
            disable_update_check = true
            rejoin_after_leave = true
            """);

        Assert.True(AgentConfigLoader.Load(new AgentFlags { Dev = true, ConfigDirs = [_dir.Path] }, "h").ConnectEnabled);
    }

    [Fact]
    public void Bootstrap_expect_of_one_means_bootstrap()
    {
        _dir.Write("a.hcl", "server = true\nbootstrap_expect = 1\n");

        var config = AgentConfigLoader.Load(new AgentFlags { ConfigDirs = [_dir.Path], DataDir = DataDir }, "h");

        Assert.Equal((true, 0), (config.Bootstrap, config.BootstrapExpect));
        Assert.Equal(["bootstrap_expect = 1 is the same as bootstrap = true"], config.Warnings);
    }

    [Fact]
    public void Binding_to_every_interface_advertises_loopback()
    {
        Assert.Equal("::1", AgentConfigLoader.Load(new AgentFlags { Dev = true, BindAddr = "::" }, "h").AdvertiseAddr);
        Assert.Equal("127.0.0.1", AgentConfigLoader.Load(new AgentFlags { Dev = true, BindAddr = "0.0.0.0" }, "h").AdvertiseAddr);
    }
}
