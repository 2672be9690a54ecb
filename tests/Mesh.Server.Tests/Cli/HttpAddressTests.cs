using System.Net;
using System.Net.Sockets;
using Mesh.Server.Tests.Config;

namespace Mesh.Server.Tests.Cli;

/// <summary>Where API commands find the agent, which token they send, and how an unreachable agent reads.</summary>
public sealed class HttpAddressTests : IAsyncLifetime
{
    private FakeConsulAgent _agent = null!;

    public async Task InitializeAsync() => _agent = (await FakeConsulAgent.StartAsync()).On("GET", "/v1/catalog/datacenters", """["dc1"]""");

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    [Theory]
    [InlineData("{0}")]
    [InlineData("http://{0}")]
    [InlineData("http://{0}/")]
    public async Task TheFlagTakesHostPortOrAnHttpUrl(string form)
    {
        var result = await CliRunner.RunAsync("catalog", "datacenters", "-http-addr=" + string.Format(null, form, _agent.Address));

        Assert.Equal(new CliResult(0, "dc1\n", ""), result);
    }

    [Theory]
    [InlineData("MESH_HTTP_ADDR")]
    [InlineData("CONSUL_HTTP_ADDR")]
    public async Task TheEnvironmentSuppliesTheAddress(string variable)
    {
        var result = await CliRunner.RunAsync(["catalog", "datacenters"], new Dictionary<string, string> { [variable] = "http://" + _agent.Address });

        Assert.Equal(new CliResult(0, "dc1\n", ""), result);
    }

    [Fact]
    public async Task TheFlagBeatsMeshHttpAddrWhichBeatsConsulHttpAddr()
    {
        var unreachable = ClosedPort();
        var environment = new Dictionary<string, string>
        {
            ["MESH_HTTP_ADDR"] = _agent.Address,
            ["CONSUL_HTTP_ADDR"] = unreachable,
        };

        var fromMesh = await CliRunner.RunAsync(["catalog", "datacenters"], environment);
        var fromFlag = await CliRunner.RunAsync(["catalog", "datacenters", "-http-addr", unreachable], environment);

        Assert.Equal(0, fromMesh.ExitCode);
        Assert.Equal(1, fromFlag.ExitCode);
    }

    [Fact]
    public async Task TokenComesFromTheFlagOrTheEnvironment()
    {
        await CliRunner.RunAsync(["catalog", "datacenters"], new Dictionary<string, string>
        {
            ["MESH_HTTP_ADDR"] = _agent.Address,
            ["CONSUL_HTTP_TOKEN"] = "from-env",
        });
        await CliRunner.RunAsync("catalog", "datacenters", "-http-addr", _agent.Address, "-token=from-flag");

        var tokens = _agent.Requests.Select(r => r.Headers.GetValueOrDefault("X-Consul-Token")).ToList();
        Assert.Equal(["from-env", "from-flag"], tokens);
    }

    [Fact]
    public async Task ATokenFileWinsOverTheToken()
    {
        using var dir = new TempConfigDir();
        var path = dir.Write("token", "  from-file\n");

        await CliRunner.RunAsync("catalog", "datacenters", "-http-addr", _agent.Address, "-token=t", "-token-file", path);

        Assert.Equal("from-file", _agent.Single("GET", "/v1/catalog/datacenters").Headers["X-Consul-Token"]);
    }

    [Fact]
    public async Task NoTokenSendsNoHeader()
    {
        await CliRunner.RunAsync("catalog", "datacenters", "-http-addr", _agent.Address);

        Assert.False(_agent.Single("GET", "/v1/catalog/datacenters").Headers.ContainsKey("X-Consul-Token"));
    }

    [Fact]
    public async Task ConnectionRefusedIsOneLine()
    {
        var address = ClosedPort();

        var result = await CliRunner.RunAsync("kv", "get", "-http-addr", address, "redis/config/devops");

        Assert.Equal(new CliResult(1, "",
            $"Error querying Consul agent: Get \"http://{address}/v1/kv/redis/config/devops\": dial tcp {address}: connect: connection refused\n"), result);
    }

    [Fact]
    public async Task AnUnknownSchemeIsAConnectError()
    {
        var result = await CliRunner.RunAsync("catalog", "datacenters", "-http-addr=ftp://127.0.0.1:21");

        Assert.Equal(new CliResult(1, "", "Error connecting to Consul agent: Unknown protocol scheme: ftp\n"), result);
    }

    [Fact]
    public async Task HttpsIsSpokenForAnHttpsAddress()
    {
        // The fake agent speaks plain HTTP, so a TLS handshake against it fails: proof HTTPS was attempted.
        var result = await CliRunner.RunAsync("catalog", "datacenters", $"-http-addr=https://{_agent.Address}");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"Error listing datacenters: Get \"https://{_agent.Address}/v1/catalog/datacenters\": ", result.Error);
        Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task CancellingAWaitingCommandEndsItQuietlyWithTheInterruptCode()
    {
        var arrived = _agent.Hang("GET", "/v1/kv/slow");
        using var cancellation = new CancellationTokenSource();

        var run = CliRunner.RunAsync(["kv", "get", "-http-addr", _agent.Address, "slow"], new Dictionary<string, string>(), cancellationToken: cancellation.Token);
        await arrived.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(run.IsCompleted);
        await cancellation.CancelAsync();

        Assert.Equal(new CliResult(130, "", ""), await run.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    /// <summary>127.0.0.1:port where nothing listens (a port just released by a listener of ours).</summary>
    private static string ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"127.0.0.1:{port}";
    }
}
