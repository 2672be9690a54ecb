using Mesh.Server.Config;

namespace Mesh.Server.Tests.Config;

/// <summary>Every loader error is one line naming where the bad value was set.</summary>
public sealed class AgentConfigLoaderErrorTests : IDisposable
{
    private readonly TempConfigDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string DataDir => Path.Combine(_dir.Path, "data");

    /// <summary>Loads one file (in a non-dev agent unless <paramref name="dev"/>) and expects this message, with {file} for its path.</summary>
    private void Fails(string content, string message, bool dev = false, string name = "agent.hcl")
    {
        var path = _dir.Write(name, content);
        ParsingAssert.Fails(
            message.Replace("{file}", path, StringComparison.Ordinal),
            () => AgentConfigLoader.Load(new AgentFlags { Dev = dev, ConfigFiles = [path], DataDir = dev ? null : DataDir }, "h"));
    }

    [Theory]
    [InlineData("datacentre = \"dc1\"", "{file}:1:1: unknown key \"datacentre\"")]
    [InlineData("ports {\n  htp = 1\n}", "{file}:2:3: unknown key \"htp\"")]
    [InlineData("server = \"yes\"", "{file}:1:10: \"server\" must be true or false, got a string")]
    [InlineData("server = true\nserver = false", "{file}:2:1: duplicate key \"server\"")]
    [InlineData("ports = 8500", "{file}:1:9: \"ports\" must be an object, got a number")]
    [InlineData("retry_join = \"x\"", "{file}:1:14: \"retry_join\" must be a list, got a string")]
    [InlineData("gossip_lan { probe_interval = \"fast\" }", "{file}:1:31: \"probe_interval\": invalid duration \"fast\"")]
    [InlineData("datacenter = \"consul sg\"", "{file}:1:14: datacenter can only contain lowercase alphanumeric, - or _ characters. received: \"consul sg\"")]
    [InlineData("datacenter = \"\"", "{file}:1:14: datacenter can only contain lowercase alphanumeric, - or _ characters. received: \"\"")]
    [InlineData("node_name = \" \"", "{file}:1:13: node_name cannot be empty")]
    [InlineData("node_id = \"abc\"", "{file}:1:11: node_id must be a UUID, got \"abc\"")]
    [InlineData("bind_addr = \"{{ GetPrivateIP }}\"", "{file}:1:13: bind_addr must be an IP address, got \"{{ GetPrivateIP }}\"")]
    [InlineData("client_addr = \"1\"", "{file}:1:15: client_addr must be an IP address, got \"1\"")]
    [InlineData("advertise_addr = \"0.0.0.0\"", "{file}:1:18: advertise_addr cannot be 0.0.0.0, :: or [::]")]
    [InlineData("addresses { http = \"localhost\" }", "{file}:1:20: addresses.http must be an IP address, got \"localhost\"")]
    [InlineData("ports { http = 70000 }", "{file}:1:16: ports.http must be a port (0-65535, or -1 to disable), got 70000")]
    [InlineData("ports { serf_lan = -2 }", "{file}:1:20: ports.serf_lan must be a port (0-65535, or -1 to disable), got -2")]
    [InlineData("ports { sidecar_min_port = 30000 }", "{file}:1:28: sidecar_min_port must be less than sidecar_max_port")]
    [InlineData("log_level = \"loud\"", "{file}:1:13: invalid log level \"loud\"; valid levels are TRACE, DEBUG, INFO, WARN, ERR, ERROR")]
    [InlineData("encrypt = \"c2hvcnQ=\"", "{file}:1:11: encrypt has invalid key: it must be the base64 of 16, 24 or 32 bytes (mesh keygen)")]
    [InlineData("performance { raft_multiplier = 11 }", "{file}:1:33: performance.raft_multiplier cannot be 11. Must be between 1 and 10")]
    [InlineData("gossip_lan { gossip_nodes = 0 }", "{file}:1:29: gossip_lan.gossip_nodes must be greater than zero")]
    [InlineData("bootstrap_expect = -1\nserver = true", "{file}:1:20: bootstrap_expect cannot be -1. Must be greater than or equal to zero")]
    [InlineData("bootstrap_expect = 3", "{file}:1:20: 'bootstrap_expect > 0' requires 'server = true'")]
    [InlineData("bootstrap = true", "{file}:1:13: 'bootstrap = true' requires 'server = true'")]
    [InlineData("server = true\nbootstrap = true\nbootstrap_expect = 3", "{file}:3:20: 'bootstrap_expect > 0' and 'bootstrap = true' are mutually exclusive")]
    [InlineData("service {\n  port = 1\n}", "{file}:1:9: missing service name")]
    [InlineData("check {\n  id = \"c\"\n  http = \"http://x\"\n  tcp = \"x:1\"\n  interval = \"1s\"\n}", "{file}:1:7: check \"c\": only one of args, http, tcp, grpc, ttl or alias_service/alias_node may be set, found http and tcp")]
    [InlineData("services = [\n  { name = \"a\" },\n  { nme = \"b\" },\n]", "{file}:3:5: unknown key \"nme\"")]
    [InlineData("service {\n  name = \"a\"\n  check { id = \"x\" }", "{file}:3:21: expected \"}\" to close the object opened at 1:9, found end of file")]
    public void Hcl_file_errors(string content, string message) => Fails(content, message);

    [Fact]
    public void Json_file_errors_have_positions_too()
    {
        Fails("{\n  \"datacenter\": \"a\",\n  \"prot\": 1\n}", "{file}:3:3: unknown key \"prot\"", name: "agent.json");
        Fails("{\n  \"datacenter\": \"a\"\n  \"server\": true\n}", "{file}:3:3: expected \",\" or \"}\" after a value in the object opened at 1:1, found '\"'", name: "agent.json");
        Fails("[]", "{file}:1:1: a config file must hold a JSON object, not a list", name: "agent.json");
        Fails("", "{file}:1:1: expected a JSON value, found end of file", name: "agent.json");
        Fails("{\"ports\": {\"http\": 70000}}", "{file}:1:20: ports.http must be a port (0-65535, or -1 to disable), got 70000", name: "agent.hcl");
    }

    [Fact]
    public void Dev_mode_rejects_bootstrap_expect()
    {
        Fails("bootstrap_expect = 3", "{file}:1:20: 'bootstrap_expect > 0' not allowed in dev mode", dev: true);
    }

    [Fact]
    public void Flag_errors_name_the_flag()
    {
        ParsingAssert.Fails("flag -http-port: ports.http must be a port (0-65535, or -1 to disable), got 70000",
            () => AgentConfigLoader.Load(new AgentFlags { Dev = true, HttpPort = 70000 }, "h"));
        ParsingAssert.Fails("flag -datacenter: datacenter can only contain lowercase alphanumeric, - or _ characters. received: \"a.b\"",
            () => AgentConfigLoader.Load(new AgentFlags { Dev = true, Datacenter = "a.b" }, "h"));
        ParsingAssert.Fails("flag -bootstrap-expect: 'bootstrap_expect > 0' not allowed in dev mode",
            () => AgentConfigLoader.Load(new AgentFlags { Dev = true, BootstrapExpect = 3 }, "h"));
    }

    [Fact]
    public void An_invalid_config_writes_no_node_id()
    {
        Assert.Throws<ConfigException>(() => AgentConfigLoader.Load(new AgentFlags { DataDir = DataDir, HttpPort = -5 }, "h"));
        Assert.False(Directory.Exists(DataDir));
    }

    [Fact]
    public void A_non_dev_agent_needs_a_usable_data_dir()
    {
        ParsingAssert.Fails("data_dir cannot be empty (it is only optional with -dev)",
            () => AgentConfigLoader.Load(new AgentFlags(), "h"));
        var file = _dir.Write("file", "x");
        ParsingAssert.Fails($"flag -data-dir: data_dir \"{file}\" is not a directory",
            () => AgentConfigLoader.Load(new AgentFlags { DataDir = file }, "h"));
        Directory.CreateDirectory(DataDir);
        File.WriteAllText(Path.Combine(DataDir, "node-id"), "garbage");
        ParsingAssert.Fails($"{Path.Combine(DataDir, "node-id")} does not hold a UUID (\"garbage\"); delete it to get a new node ID",
            () => AgentConfigLoader.Load(new AgentFlags { DataDir = DataDir }, "h"));
    }

    [Fact]
    public void Missing_config_dirs_and_files_are_errors()
    {
        var missing = Path.Combine(_dir.Path, "missing");
        var file = _dir.Write("a.hcl", "");
        ParsingAssert.Fails($"-config-dir {missing} does not exist",
            () => AgentConfigLoader.Load(new AgentFlags { Dev = true, ConfigDirs = [missing] }, "h"));
        ParsingAssert.Fails($"-config-file {missing} does not exist",
            () => AgentConfigLoader.Load(new AgentFlags { Dev = true, ConfigFiles = [missing] }, "h"));
        ParsingAssert.Fails($"-config-dir {file} is a file, not a directory (use -config-file)",
            () => AgentConfigLoader.Load(new AgentFlags { Dev = true, ConfigDirs = [file] }, "h"));
        ParsingAssert.Fails($"-config-file {_dir.Path} is a directory (use -config-dir)",
            () => AgentConfigLoader.Load(new AgentFlags { Dev = true, ConfigFiles = [_dir.Path] }, "h"));
    }

    [Fact]
    public void A_config_file_with_another_extension_is_skipped_with_a_warning()
    {
        var file = _dir.Write("agent.conf", "this is not parsed {");

        var config = AgentConfigLoader.Load(new AgentFlags { Dev = true, ConfigFiles = [file] }, "h");

        Assert.Equal([$"skipping file {file}, extension must be .hcl or .json"], config.Warnings);
    }
}
