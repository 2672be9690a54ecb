namespace Mesh.Server.Tests.Process;

/// <summary>
/// Replays the seed walkthrough (../shared/seeds) against the real binary: `mesh agent -dev -enable-script-checks
/// -config-dir=<the seed's three files>`, then the catalog and kv commands in the walkthrough's order.
/// </summary>
public sealed class SeedWalkthroughTests : IAsyncLifetime
{
    private static readonly string ConfigDir = Config.SeedFiles.Directory;
    private AgentProcess _agent = null!;

    public async Task InitializeAsync() =>
        _agent = await AgentProcess.StartAsync("-dev", "-enable-script-checks", $"-config-dir={ConfigDir}");

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    [Fact]
    public async Task Walkthrough_replays_command_for_command()
    {
        var help = await _agent.CliAsync("catalog", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.StartsWith("Usage: mesh catalog <subcommand> [options] [args]", help.Stdout);
        Assert.Contains("    services       Lists all registered services in a datacenter", help.Stdout);

        var datacenters = await _agent.CliAsync("catalog", "datacenters");
        Assert.Equal("consul-sg\n", datacenters.Stdout);

        var nodes = await _agent.CliAsync("catalog", "nodes");
        var lines = nodes.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Matches(@"^Node\s+ID\s+Address\s+DC$", lines[0]);
        Assert.Matches(@"^sample-node-name\s+[0-9a-f]{8}\s+127\.0\.0\.1\s+consul-sg$", lines[1]);

        var services = await _agent.CliAsync("catalog", "services");
        Assert.Equal("consul\ncounting\ncounting-sidecar-proxy\ndashboard\ndashboard-sidecar-proxy\n", services.Stdout);

        var empty = await _agent.CliAsync("kv", "get", "--recurse");
        Assert.Equal(0, empty.ExitCode);
        Assert.Equal("", empty.Stdout);

        var put = await _agent.CliAsync("kv", "put", "redis/config/devops", "value");
        Assert.Equal("Success! Data written to: redis/config/devops\n", put.Stdout);

        var get = await _agent.CliAsync("kv", "get", "redis/config/devops");
        Assert.Equal("value\n", get.Stdout);

        var recurse = await _agent.CliAsync("kv", "get", "--recurse");
        Assert.Equal("redis/config/devops:value\n", recurse.Stdout);
    }

    [Fact]
    public async Task Sidecars_are_registered_as_consul_does()
    {
        using var response = await _agent.Http.GetAsync("/v1/agent/service/dashboard-sidecar-proxy");
        response.EnsureSuccessStatusCode();
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var sidecar = json.RootElement;
        Assert.Equal("connect-proxy", sidecar.GetProperty("Kind").GetString());
        Assert.Equal("dashboard-sidecar-proxy", sidecar.GetProperty("Service").GetString());
        Assert.InRange(sidecar.GetProperty("Port").GetInt32(), 21000, 21255);
        var proxy = sidecar.GetProperty("Proxy");
        Assert.Equal("dashboard", proxy.GetProperty("DestinationServiceName").GetString());
        Assert.Equal(9002, proxy.GetProperty("LocalServicePort").GetInt32());
        var upstream = Assert.Single(proxy.GetProperty("Upstreams").EnumerateArray());
        Assert.Equal("counting", upstream.GetProperty("DestinationName").GetString());
        Assert.Equal(5000, upstream.GetProperty("LocalBindPort").GetInt32());

        using var counting = await _agent.Http.GetAsync("/v1/agent/service/counting-1-sidecar-proxy");
        counting.EnsureSuccessStatusCode();
        using var countingJson = System.Text.Json.JsonDocument.Parse(await counting.Content.ReadAsStringAsync());
        Assert.NotEqual(sidecar.GetProperty("Port").GetInt32(), countingJson.RootElement.GetProperty("Port").GetInt32());
    }

    [Fact]
    public async Task Missing_key_is_an_error_line_and_exit_1()
    {
        var missing = await _agent.CliAsync("kv", "get", "no/such/key");
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("Error! No key exists at: no/such/key\n", missing.Stderr);
    }
}
