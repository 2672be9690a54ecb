namespace Mesh.Server.Tests.Cli;

/// <summary><c>mesh keyring</c> against a real HTTP server answering as the agent.</summary>
public sealed class KeyringCommandTests
{
    private const string KeyA = "pUqJrVyVRj5jsiYEkM/tFQYfWyJIv4s3XkvDwy7Cu5s=";
    private const string KeyB = "ZWTL+bgjHyQPhJRKcFe3ccirc2SFHmc/Nw67l8NQfdk=";
    private const string Path = "/v1/operator/keyring";

    private const string Listing = $$"""
        [
          {"WAN":true,"Datacenter":"dc1","Segment":"","Keys":{"{{KeyA}}":1},"PrimaryKeys":{"{{KeyA}}":1},"NumNodes":1},
          {"WAN":false,"Datacenter":"dc1","Segment":"","Keys":{"{{KeyB}}":2,"{{KeyA}}":3},"PrimaryKeys":{"{{KeyA}}":3},"NumNodes":3},
          {"WAN":false,"Datacenter":"dc1","Segment":"alpha","Messages":{"node-9":"truncated key list response"},"Keys":{},"PrimaryKeys":{},"NumNodes":1}
        ]
        """;

    [Fact]
    public async Task ListShowsEachPoolWithItsKeysAndMemberCounts()
    {
        await using var agent = (await FakeConsulAgent.StartAsync()).On("GET", Path, Listing);

        var result = await agent.RunCliAsync("keyring", "-list");

        Assert.Equal(new CliResult(0,
            "==> Gathering installed encryption keys...\n" +
            $"\nWAN:\n  {KeyA} [1/1]\n" +
            $"\ndc1 (LAN):\n  {KeyB} [2/3]\n  {KeyA} [3/3]\n" +
            "\ndc1 (LAN) [alpha]:\n  ===> node-9: truncated key list response\n", ""), result);
        Assert.Empty(agent.Single("GET", Path).Query);
    }

    [Fact]
    public async Task ListPrimaryShowsThePrimaryKeysAndLocalOnlyAndTheRelayFactorGoAsParameters()
    {
        await using var agent = (await FakeConsulAgent.StartAsync()).On("GET", Path, Listing);

        var primary = await agent.RunCliAsync("keyring", "-list-primary");
        var local = await agent.RunCliAsync("keyring", "-list", "-local-only", "-relay-factor=2");

        Assert.Equal(0, primary.ExitCode);
        Assert.StartsWith($"==> Gathering installed primary encryption keys...\n\nWAN:\n  {KeyA} [1/1]\n\ndc1 (LAN):\n  {KeyA} [3/3]\n\n", primary.Out);
        Assert.Equal(0, local.ExitCode);
        var query = agent.Requests.Last().Query;
        Assert.Equal(("true", "2"), (query["local-only"], query["relay-factor"]));
    }

    [Theory]
    [InlineData("-install", "POST", "==> Installing new gossip encryption key...\n")]
    [InlineData("-use", "PUT", "==> Changing primary gossip encryption key...\n")]
    [InlineData("-remove", "DELETE", "==> Removing gossip encryption key...\n")]
    public async Task EachChangeSendsTheKeyWithItsMethodAndSaysWhatItDoes(string flag, string method, string output)
    {
        await using var agent = (await FakeConsulAgent.StartAsync()).On(method, Path, "");

        var result = await agent.RunCliAsync("keyring", flag, KeyB);
        var relayed = await agent.RunCliAsync("keyring", $"{flag}={KeyB}", "-relay-factor", "3");

        Assert.Equal(new CliResult(0, output, ""), result);
        Assert.Equal(new CliResult(0, output, ""), relayed);
        var requests = agent.Requests.ToList();
        Assert.All(requests, request => Assert.Equal((method, $$"""{"Key":"{{KeyB}}"}"""), (request.Method, request.Body)));
        Assert.Empty(requests[0].Query);
        Assert.Equal("3", requests[1].Query["relay-factor"]);
    }

    [Fact]
    public async Task AFailingMemberIsReportedAsAnErrorWithExitCodeOne()
    {
        await using var agent = await FakeConsulAgent.StartAsync();
        agent.On("DELETE", Path, "2 errors occurred:\n\t* dc1 (LAN) error: 1/1 nodes reported failure\n\t* node1: Removing the primary key is not allowed\n\n", status: 500);

        var result = await agent.RunCliAsync("keyring", "-remove", KeyA);

        Assert.Equal(new CliResult(1, "==> Removing gossip encryption key...\n",
            "error: Unexpected response code: 500 (2 errors occurred:\n\t* dc1 (LAN) error: 1/1 nodes reported failure\n\t* node1: Removing the primary key is not allowed)\n"), result);
    }

    [Fact]
    public async Task NoActionPrintsTheHelpAndMoreThanOneIsRefused()
    {
        await using var agent = await FakeConsulAgent.StartAsync();

        var none = await agent.RunCliAsync("keyring");
        var two = await agent.RunCliAsync("keyring", "-list", "-install", KeyA);
        var emptyKeyIsNoAction = await agent.RunCliAsync("keyring", "-use=");

        Assert.Equal(1, none.ExitCode);
        Assert.Equal("", none.Out);
        Assert.StartsWith("Usage: mesh keyring [options]\n\n  Manages encryption keys used for gossip messages.", none.Error);
        Assert.Contains("\n  -install=<string>\n     Install a new encryption key.", none.Error);
        Assert.Contains("\n  -http-addr=<address>\n", none.Error);
        Assert.Equal(new CliResult(1, "", "Only a single action is allowed\n"), two);
        Assert.Equal(1, emptyKeyIsNoAction.ExitCode);
        Assert.StartsWith("Usage: mesh keyring", emptyKeyIsNoAction.Error);
        Assert.Empty(agent.Requests);
    }

    [Fact]
    public async Task TheRelayFactorAndLocalOnlyAreCheckedBeforeAnythingIsSent()
    {
        await using var agent = await FakeConsulAgent.StartAsync();

        var relay = await agent.RunCliAsync("keyring", "-list", "-relay-factor=6");
        var local = await agent.RunCliAsync("keyring", "-install", KeyA, "-local-only");
        var localPrimary = await agent.RunCliAsync("keyring", "-list-primary", "-local-only");

        Assert.Equal(new CliResult(1, "", "Error parsing relay factor: Relay factor must be in range: [0, 5]\n"), relay);
        Assert.Equal(new CliResult(1, "", "Error validating local-only: local-only can only be set for list requests\n"), local);
        Assert.Equal(local, localPrimary);
        Assert.Empty(agent.Requests);
    }

    [Fact]
    public async Task AnUnreachableAgentIsAnError()
    {
        await using var agent = await FakeConsulAgent.StartAsync();
        var address = agent.Address;
        await agent.DisposeAsync();

        var result = await CliRunner.RunAsync(["keyring", "-list"], new Dictionary<string, string> { ["MESH_HTTP_ADDR"] = address });

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("==> Gathering installed encryption keys...\n", result.Out);
        Assert.Equal($"error: Get \"http://{address}/v1/operator/keyring\": dial tcp {address}: connect: connection refused\n", result.Error);
    }
}
