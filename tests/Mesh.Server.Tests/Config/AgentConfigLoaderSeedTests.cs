using Mesh.Server.Config;

namespace Mesh.Server.Tests.Config;

/// <summary>The seed's <c>agent -dev -enable-script-checks -config-dir=/root/consul</c> with its three files.</summary>
public sealed class AgentConfigLoaderSeedTests : IDisposable
{
    private readonly TempConfigDir _dir = new();

    public AgentConfigLoaderSeedTests()
    {
        _dir.Write("conf.hcl", SeedFiles.ConfHcl);
        _dir.Write("counting.hcl", SeedFiles.CountingHcl);
        _dir.Write("dashboard.hcl", SeedFiles.DashboardHcl);
    }

    public void Dispose() => _dir.Dispose();

    private AgentConfig LoadSeed() =>
        AgentConfigLoader.Load(new AgentFlags { Dev = true, EnableScriptChecks = true, ConfigDirs = [_dir.Path] });

    [Fact]
    public void Conf_file_sets_the_agent_and_consul_lower_cases_the_datacenter()
    {
        var config = LoadSeed();

        Assert.Equal("consul-sg", config.Datacenter);
        Assert.Equal("sample-node-name", config.NodeName);
        Assert.True(config.Server);
        Assert.True(config.Dev);
        Assert.True(config.Bootstrap);
        Assert.Equal("INFO", config.LogLevel);
        Assert.Equal("0.0.0.0", config.Addresses.Http);
        Assert.Equal("0.0.0.0", config.HttpAddress);
        Assert.Equal("127.0.0.1", config.DnsAddress);
        Assert.Equal(8500, config.Ports.Http);
        Assert.Equal(8502, config.Ports.Grpc);
        Assert.True(config.EnableScriptChecks);
        Assert.True(config.EnableLocalScriptChecks);
        Assert.True(config.ConnectEnabled);
        Assert.Equal(1, config.RaftMultiplier);
        Assert.Equal(("127.0.0.1", "127.0.0.1"), (config.BindAddr, config.AdvertiseAddr));
        Assert.Empty(config.Warnings);
    }

    [Fact]
    public void Dev_mode_keeps_no_data_dir_even_when_the_file_names_one_it_cannot_use()
    {
        var blocker = _dir.Write("not-a-dir", "x");
        _dir.Write("zz-data.hcl", $"data_dir = \"{Path.Combine(blocker, "data")}\"\n");

        var config = LoadSeed();

        Assert.Null(config.DataDir);
        Assert.True(Guid.TryParse(config.NodeId, out _));
        var error = Assert.Throws<ConfigException>(() => AgentConfigLoader.Load(new AgentFlags { ConfigDirs = [_dir.Path] }));
        Assert.StartsWith($"cannot keep the node ID in data_dir \"{Path.Combine(blocker, "data")}\":", error.Message);
    }

    [Fact]
    public void Both_services_load_in_file_order_with_their_checks_and_upstream()
    {
        var config = LoadSeed();

        Assert.Equal(["counting", "dashboard"], config.Services.Select(s => s.Name));
        var counting = config.Services[0];
        Assert.Equal(("counting-1", 9003), (counting.ID, counting.Port));
        Assert.NotNull(counting.Connect?.SidecarService);
        Assert.Equal(("counting-check", "GET", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)),
            (counting.Check!.ID, counting.Check.Method, counting.Check.Interval, counting.Check.Timeout));
        var upstream = Assert.Single(config.Services[1].Connect!.SidecarService!.Proxy!.Upstreams!);
        Assert.Equal(("counting", 5000), (upstream.DestinationName, upstream.LocalBindPort));
        Assert.Empty(config.Checks);
    }

    [Fact]
    public void A_typo_in_a_seed_file_is_reported_at_its_position()
    {
        _dir.Write("counting.hcl", SeedFiles.CountingHcl.Replace("        connect{", "        prot = 1\n        connect{", StringComparison.Ordinal));

        var error = Assert.Throws<ConfigException>(LoadSeed);

        Assert.Equal($"{Path.Combine(_dir.Path, "counting.hcl")}:6:9: unknown key \"prot\"", error.Message);
    }
}
