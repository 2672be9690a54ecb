namespace Mesh.Server.Tests.Cli;

/// <summary><c>mesh members</c> against a real HTTP server answering Consul's <c>/v1/agent/members</c>.</summary>
public sealed class MembersCommandTests : IAsyncLifetime
{
    private const string Members = """
        [
          {"Name":"web-1","Addr":"10.0.0.21","Port":8301,"Tags":{"build":"0.1.0:meshaspire","dc":"dc1","id":"x","role":"node","segment":"","vsn":"2","vsn_max":"3","vsn_min":"2"},"Status":1,"ProtocolMin":1,"ProtocolMax":5,"ProtocolCur":2,"DelegateMin":2,"DelegateMax":5,"DelegateCur":4},
          {"Name":"server-b","Addr":"10.0.0.12","Port":8301,"Tags":{"build":"0.1.0:meshaspire","dc":"dc1","role":"consul","vsn":"2"},"Status":4},
          {"Name":"server-a","Addr":"10.0.0.11","Port":8301,"Tags":{"build":"0.1.0:meshaspire","dc":"dc1","role":"consul","vsn":"2"},"Status":1},
          {"Name":"odd","Addr":"::1","Port":8301,"Tags":{"role":"witness"},"Status":3}
        ]
        """;

    private FakeConsulAgent _agent = null!;

    public async Task InitializeAsync() => _agent = (await FakeConsulAgent.StartAsync()).On("GET", "/v1/agent/members", Members);

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    [Fact]
    public async Task MembersPrintsConsulsColumnsServersFirst()
    {
        var result = await _agent.RunCliAsync("members");

        Assert.Equal(new CliResult(0,
            "Node      Address         Status  Type     Build  Protocol  DC   Partition  Segment\n" +
            "server-a  10.0.0.11:8301  alive   server   0.1.0  2         dc1  default    <all>\n" +
            "server-b  10.0.0.12:8301  failed  server   0.1.0  2         dc1  default    <all>\n" +
            "odd       [::1]:8301      left    unknown                                   \n" +
            "web-1     10.0.0.21:8301  alive   client   0.1.0  2         dc1  default    <default>\n", ""), result);
    }

    [Fact]
    public async Task StatusFiltersByRegularExpression()
    {
        var result = await _agent.RunCliAsync("members", "-status=alive");

        Assert.Equal(
            "Node      Address         Status  Type    Build  Protocol  DC   Partition  Segment\n" +
            "server-a  10.0.0.11:8301  alive   server  0.1.0  2         dc1  default    <all>\n" +
            "web-1     10.0.0.21:8301  alive   client  0.1.0  2         dc1  default    <default>\n", result.Out);
    }

    [Fact]
    public async Task NoMatchingMemberExitsWith2AndPrintsNothing()
    {
        var result = await _agent.RunCliAsync("members", "-status", "leaving");

        Assert.Equal(new CliResult(2, "", ""), result);
    }

    [Fact]
    public async Task DetailedPrintsSortedTagsIncludingTheFilledInOnes()
    {
        var result = await _agent.RunCliAsync("members", "-detailed", "-status=fail");

        Assert.Equal(
            "Node      Address         Status  Tags\n" +
            "server-b  10.0.0.12:8301  failed  ap=default,build=0.1.0:meshaspire,dc=dc1,role=consul,segment=<all>,vsn=2\n", result.Out);
    }

    [Fact]
    public async Task ABadStatusExpressionFails()
    {
        var result = await _agent.RunCliAsync("members", "-status=(");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("Failed to compile status regexp: ", result.Error);
        Assert.Empty(_agent.Requests);
    }

    [Fact]
    public async Task WanAsksForTheWanPool()
    {
        await _agent.RunCliAsync("members", "-wan");

        Assert.Equal("1", _agent.Single("GET", "/v1/agent/members").Query["wan"]);
    }
}
