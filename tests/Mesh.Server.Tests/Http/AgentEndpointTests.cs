using System.Net;

namespace Mesh.Server.Tests.Http;

public sealed class AgentEndpointTests
{
    [Fact]
    public async Task Self_describes_the_agent_as_consul_clients_expect()
    {
        await using var api = await TestApi.StartAsync();

        var self = await api.GetJsonAsync("/v1/agent/self");

        var config = self.GetProperty("Config");
        Assert.Equal("dc1", config.GetProperty("Datacenter").GetString());
        Assert.Equal("node1", config.GetProperty("NodeName").GetString());
        Assert.Equal(api.Agent.NodeId, config.GetProperty("NodeID").GetString());
        Assert.True(config.GetProperty("Server").GetBoolean());
        Assert.Equal("0.1.0", config.GetProperty("Version").GetString());
        Assert.Equal(8500, self.GetProperty("DebugConfig").GetProperty("Ports").GetProperty("HTTP").GetInt32());
        var member = self.GetProperty("Member");
        Assert.Equal("node1", member.GetProperty("Name").GetString());
        Assert.Equal(1, member.GetProperty("Status").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Object, self.GetProperty("Meta").ValueKind);
    }

    [Fact]
    public async Task Members_lists_the_lan_pool_and_wan_the_servers_by_name_dot_dc()
    {
        await using var api = await TestApi.StartAsync();

        var lan = await api.GetJsonAsync("/v1/agent/members");
        Assert.Equal(["node1"], lan.EnumerateArray().Select(m => m.GetProperty("Name").GetString()));
        Assert.Equal("127.0.0.1", lan[0].GetProperty("Addr").GetString());
        Assert.Equal(8301, lan[0].GetProperty("Port").GetInt32());

        var wan = await api.GetJsonAsync("/v1/agent/members?wan=1");
        Assert.Equal(["node1.dc1"], wan.EnumerateArray().Select(m => m.GetProperty("Name").GetString()));
    }

    [Fact]
    public async Task Registering_a_service_with_snake_case_keys_shows_it_in_services()
    {
        await using var api = await TestApi.StartAsync();
        using (var response = await api.PutAsync("/v1/agent/service/register", """
            {"name":"counting","id":"counting-1","port":9003,"tags":["v1"],
             "check":{"id":"counting-check","http":"http://localhost:9003/health","interval":"1s","timeout":"1s"}}
            """))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("", await response.Content.ReadAsStringAsync());
        }

        var services = await api.GetJsonAsync("/v1/agent/services");
        var service = services.GetProperty("counting-1");
        Assert.Equal("counting", service.GetProperty("Service").GetString());
        Assert.Equal(9003, service.GetProperty("Port").GetInt32());
        Assert.Equal("dc1", service.GetProperty("Datacenter").GetString());
        Assert.Equal("{}", service.GetProperty("Meta").GetRawText());
        Assert.False(service.TryGetProperty("Proxy", out _));

        var check = (await api.GetJsonAsync("/v1/agent/checks")).GetProperty("counting-check");
        Assert.Equal("counting-1", check.GetProperty("ServiceID").GetString());
        Assert.Equal("1s", check.GetProperty("Interval").GetString());
        Assert.Equal("http://localhost:9003/health", check.GetProperty("Definition").GetProperty("HTTP").GetString());
    }

    [Fact]
    public async Task One_service_carries_its_content_hash_and_an_unknown_one_is_404()
    {
        await using var api = await TestApi.StartAsync();
        (await api.PutAsync("/v1/agent/service/register", """{"Name":"web","Port":80}""")).Dispose();

        using var response = await api.GetAsync("/v1/agent/service/web");
        var service = await TestApi.JsonOf(response);
        var hash = service.GetProperty("ContentHash").GetString();
        Assert.False(string.IsNullOrEmpty(hash));
        Assert.Equal(hash, response.Headers.GetValues("X-Consul-ContentHash").Single());

        (await api.PutAsync("/v1/agent/service/register", """{"Name":"web","Port":81}""")).Dispose();
        Assert.NotEqual(hash, (await api.GetJsonAsync("/v1/agent/service/web")).GetProperty("ContentHash").GetString());

        var (status, body) = await TestApi.TextOf(await api.GetAsync("/v1/agent/service/nope"));
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("unknown service ID: nope", body);
    }

    [Fact]
    public async Task Agent_errors_answer_their_status_with_their_message()
    {
        await using var api = await TestApi.StartAsync();

        var (status, body) = await TestApi.TextOf(await api.PutAsync("/v1/agent/service/deregister/ghost"));
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("Unknown service ID \"ghost\". Ensure that the service ID is passed, not the service name.", body);

        var (passStatus, _) = await TestApi.TextOf(await api.PutAsync("/v1/agent/check/pass/ghost"));
        Assert.Equal(HttpStatusCode.NotFound, passStatus);
    }

    [Theory]
    [InlineData("/v1/agent/service/register", "{\"Name\":")]
    [InlineData("/v1/agent/service/register", "{\"Port\":80}")]
    [InlineData("/v1/agent/check/register", "{\"Name\":\"c\",\"TTL\":\"soon\"}")]
    public async Task Bad_registration_bodies_are_400_decode_failures(string path, string body)
    {
        await using var api = await TestApi.StartAsync();
        var (status, text) = await TestApi.TextOf(await api.PutAsync(path, body));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("Request decode failed: ", text, StringComparison.Ordinal);
        Assert.Empty(api.Agent.Services());
        Assert.Empty(api.Agent.Checks());
    }

    [Fact]
    public async Task Ttl_checks_are_updated_by_pass_warn_fail_and_update()
    {
        await using var api = await TestApi.StartAsync();
        (await api.PutAsync("/v1/agent/check/register", """{"Name":"heartbeat","TTL":"30s"}""")).Dispose();

        (await api.PutAsync("/v1/agent/check/pass/heartbeat?note=all%20good")).Dispose();
        var check = (await api.GetJsonAsync("/v1/agent/checks")).GetProperty("heartbeat");
        Assert.Equal("passing", check.GetProperty("Status").GetString());
        Assert.Equal("all good", check.GetProperty("Output").GetString());

        (await api.PutAsync("/v1/agent/check/warn/heartbeat")).Dispose();
        Assert.Equal("warning", (await api.GetJsonAsync("/v1/agent/checks")).GetProperty("heartbeat").GetProperty("Status").GetString());

        (await api.PutAsync("/v1/agent/check/update/heartbeat", """{"Status":"critical","Output":"down"}""")).Dispose();
        check = (await api.GetJsonAsync("/v1/agent/checks")).GetProperty("heartbeat");
        Assert.Equal("critical", check.GetProperty("Status").GetString());
        Assert.Equal("down", check.GetProperty("Output").GetString());

        var (status, body) = await TestApi.TextOf(await api.PutAsync("/v1/agent/check/update/heartbeat", """{"Status":"sleepy"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Invalid check status: 'sleepy'", body);

        (await api.PutAsync("/v1/agent/check/deregister/heartbeat")).Dispose();
        Assert.Empty((await api.GetJsonAsync("/v1/agent/checks")).EnumerateObject());
    }

    [Fact]
    public async Task Leave_asks_the_agent_to_leave_and_join_needs_gossip()
    {
        await using var api = await TestApi.StartAsync();

        using (var leave = await api.PutAsync("/v1/agent/leave"))
        {
            Assert.Equal(HttpStatusCode.OK, leave.StatusCode);
        }
        Assert.Equal(1, api.LeaveCount);

        var (status, body) = await TestApi.TextOf(await api.PutAsync("/v1/agent/join/10.0.0.2"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Gossip is disabled", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unexpected_failure_is_a_500_with_its_message_and_no_stack_trace()
    {
        await using var api = await TestApi.StartAsync();
        api.LeaveFailure = new InvalidOperationException("the gossip layer is gone");

        var (status, body) = await TestApi.TextOf(await api.PutAsync("/v1/agent/leave"));

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal("the gossip layer is gone", body);
    }
}
