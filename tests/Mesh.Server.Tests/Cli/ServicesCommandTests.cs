using System.Text.Json.Nodes;
using Mesh.Server.Tests.Config;

namespace Mesh.Server.Tests.Cli;

/// <summary><c>mesh services register|deregister</c> against a real HTTP server.</summary>
public sealed class ServicesCommandTests : IAsyncLifetime
{
    private readonly TempConfigDir _dir = new();
    private FakeConsulAgent _agent = null!;

    public async Task InitializeAsync() => _agent = (await FakeConsulAgent.StartAsync())
        .On("PUT", "/v1/agent/service/register", "")
        .On("PUT", "/v1/agent/service/deregister/web", "")
        .On("PUT", "/v1/agent/service/deregister/counting-1", "")
        .On("PUT", "/v1/agent/service/deregister/dashboard", "");

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task RegisterFromFlagsSendsConsulsRegistration()
    {
        var result = await _agent.RunCliAsync("services", "register", "-name=web", "-id", "web-1", "-address=10.0.0.5", "-port=8080",
            "-tag=v1", "-tag", "primary", "-meta", "team=core", "--meta=query=a=b", "-tagged-address=lan=10.0.0.5:8080");

        Assert.Equal(new CliResult(0, "Registered service: web\n", ""), result);
        var body = JsonNode.Parse(_agent.Single("PUT", "/v1/agent/service/register").Body)!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"ID":"web-1","Name":"web","Address":"10.0.0.5","Port":8080,"Tags":["v1","primary"],"Meta":{"team":"core","query":"a=b"},
             "TaggedAddresses":{"lan":{"Address":"10.0.0.5","Port":8080}}}
            """), body), body.ToJsonString());
    }

    [Fact]
    public async Task RegisterFromAJsonFileSendsItsServiceAsIs()
    {
        var path = _dir.Write("web.json", """{"service": {"name": "web", "port": 80, "check": {"http": "http://localhost/health", "interval": "10s"}}}""");

        var result = await _agent.RunCliAsync("services", "register", "-tag=extra", path);

        Assert.Equal(new CliResult(0, "Registered service: web\n", ""), result);
        var body = JsonNode.Parse(_agent.Single("PUT", "/v1/agent/service/register").Body)!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"name":"web","port":80,"check":{"http":"http://localhost/health","interval":"10s"},"Tags":["extra"]}
            """), body), body.ToJsonString());
    }

    [Fact]
    public async Task RegisterFromTheSeedsHclFilesSendsEachService()
    {
        var counting = Path.Combine(SeedFiles.Directory, "counting.hcl");
        var dashboard = Path.Combine(SeedFiles.Directory, "dashboard.hcl");

        var result = await _agent.RunCliAsync("services", "register", counting, dashboard);

        Assert.Equal(new CliResult(0, "Registered service: counting\nRegistered service: dashboard\n", ""), result);
        var bodies = _agent.Requests.Where(r => r.Path == "/v1/agent/service/register").Select(r => JsonNode.Parse(r.Body)!).ToList();
        Assert.Equal(2, bodies.Count);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"name":"counting","id":"counting-1","port":9003,"connect":{"sidecar_service":{}},
             "check":{"id":"counting-check","http":"http://localhost:9003/health","method":"GET","interval":"1s","timeout":"1s"}}
            """), bodies[0]), bodies[0].ToJsonString());
        Assert.Equal(5000, (int)bodies[1]["connect"]!["sidecar_service"]!["proxy"]!["upstreams"]![0]!["local_bind_port"]!);
    }

    [Fact]
    public async Task RepeatedCheckBlocksBecomeTheChecksList()
    {
        var path = _dir.Write("multi.hcl", """
            service {
              name = "web"
              check { id = "a"
                ttl = "30s" }
              check { id = "b"
                ttl = "30s" }
            }
            """);

        var result = await _agent.RunCliAsync("services", "register", path);

        Assert.Equal(0, result.ExitCode);
        var body = JsonNode.Parse(_agent.Single("PUT", "/v1/agent/service/register").Body)!;
        Assert.Equal(["a", "b"], body["checks"]!.AsArray().Select(c => (string)c!["id"]!));
    }

    [Fact]
    public async Task AnInvalidFileFailsWithItsPositionBeforeAnyRequest()
    {
        var path = _dir.Write("bad.hcl", "service {\n  port = 80\n}\n");

        var result = await _agent.RunCliAsync("services", "register", path);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"Error: {path}:1:", result.Error);
        Assert.Contains("missing service name", result.Error);
        Assert.Empty(_agent.Requests);
    }

    [Theory]
    [InlineData("Service registration requires at least one argument or flags.")]
    [InlineData("Service registration requires arguments or -id, not both.", "-name=web", "web.json")]
    public async Task RegisterUsageErrors(string message, params string[] args)
    {
        var result = await _agent.RunCliAsync(["services", "register", .. args]);

        Assert.Equal(new CliResult(1, "", message + "\n"), result);
    }

    [Fact]
    public async Task RegistrationRejectedByTheAgentIsReported()
    {
        _agent.On("PUT", "/v1/agent/service/register", "Invalid Service Meta: Couldn't load metadata pair", status: 400);

        var result = await _agent.RunCliAsync("services", "register", "-name=web");

        Assert.Equal(new CliResult(1, "", "Error registering service \"web\": Unexpected response code: 400 (Invalid Service Meta: Couldn't load metadata pair)\n"), result);
    }

    [Fact]
    public async Task DeregisterById()
    {
        var result = await _agent.RunCliAsync("services", "deregister", "-id=web");

        Assert.Equal(new CliResult(0, "Deregistered service: web\n", ""), result);
        _agent.Single("PUT", "/v1/agent/service/deregister/web");
    }

    [Fact]
    public async Task DeregisterByFilesUsesTheIdElseTheName()
    {
        var path = _dir.Write("both.hcl", """
            service { name = "counting"
              id = "counting-1" }
            service { name = "dashboard" }
            """);

        var result = await _agent.RunCliAsync("services", "deregister", path);

        Assert.Equal(new CliResult(0, "Deregistered service: counting-1\nDeregistered service: dashboard\n", ""), result);
    }

    [Fact]
    public async Task DeregisterOfAnUnknownServiceFails()
    {
        var result = await _agent.RunCliAsync("services", "deregister", "-id=ghost");

        Assert.Equal(new CliResult(1, "", "Error deregistering service \"ghost\": Unexpected response code: 404 ()\n"), result);
    }
}
