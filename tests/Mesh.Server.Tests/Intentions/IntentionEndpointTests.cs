using System.Net;
using System.Text;
using System.Text.Json;
using Mesh.Server.Tests.Http;

namespace Mesh.Server.Tests.Intentions;

public sealed class IntentionEndpointTests : IAsyncLifetime
{
    private TestApi _api = null!;

    public async Task InitializeAsync() => _api = await TestApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private async Task PutExactAsync(string source, string destination, string body)
    {
        using var response = await _api.PutAsync($"/v1/connect/intentions/exact?source={Uri.EscapeDataString(source)}&destination={Uri.EscapeDataString(destination)}", body);
        Assert.Equal("true", await response.Content.ReadAsStringAsync());
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string body) =>
        await _api.Client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task Exact_put_get_and_delete_round_trip()
    {
        await PutExactAsync("web", "db", """{"Action":"deny","Description":"no"}""");

        var intention = await _api.GetJsonAsync("/v1/connect/intentions/exact?source=web&destination=db");
        Assert.Equal("web", intention.GetProperty("SourceName").GetString());
        Assert.Equal("db", intention.GetProperty("DestinationName").GetString());
        Assert.Equal("default", intention.GetProperty("SourceNS").GetString());
        Assert.Equal("default", intention.GetProperty("DestinationNS").GetString());
        Assert.Equal("consul", intention.GetProperty("SourceType").GetString());
        Assert.Equal("deny", intention.GetProperty("Action").GetString());
        Assert.Equal("no", intention.GetProperty("Description").GetString());
        Assert.Equal(9, intention.GetProperty("Precedence").GetInt32());
        Assert.Equal("", intention.GetProperty("ID").GetString());
        Assert.Equal("0001-01-01T00:00:00Z", intention.GetProperty("CreatedAt").GetString());
        Assert.NotEmpty(intention.GetProperty("Hash").GetString()!);
        Assert.False(intention.TryGetProperty("Permissions", out _));
        Assert.True(intention.GetProperty("ModifyIndex").GetUInt64() > 0);

        using (var delete = await _api.DeleteAsync("/v1/connect/intentions/exact?source=web&destination=db"))
        {
            Assert.Equal("true", await delete.Content.ReadAsStringAsync());
        }
        var (status, body) = await TestApi.TextOf(await _api.GetAsync("/v1/connect/intentions/exact?source=web&destination=db"));
        Assert.Equal((HttpStatusCode.NotFound, "Intention not found"), (status, body));
    }

    [Theory]
    [InlineData("/v1/connect/intentions/exact?destination=db", "required query parameter 'source' not set")]
    [InlineData("/v1/connect/intentions/exact?source=web", "required query parameter 'destination' not set")]
    [InlineData("/v1/connect/intentions/check?source=web", "required query parameter 'destination' not set")]
    [InlineData("/v1/connect/intentions/match?name=db", "required query parameter 'by' not set")]
    [InlineData("/v1/connect/intentions/match?by=dst&name=db", "'by' parameter must be one of 'source' or 'destination'")]
    [InlineData("/v1/connect/intentions/match?by=source", "required query parameter 'name' not set")]
    public async Task Missing_parameters_are_400(string path, string message)
    {
        var (status, body) = await TestApi.TextOf(await _api.GetAsync(path));
        Assert.Equal((HttpStatusCode.BadRequest, message), (status, body));
    }

    [Theory]
    [InlineData("""{"Action":"permit"}""", "Invalid Intention: Action must be set to 'allow' or 'deny'")]
    [InlineData("""{"Action":"allow","Permissions":[{"Action":"allow","HTTP":{"PathPrefix":"/"}}]}""", "Invalid Intention: Action must be empty if Permissions are specified")]
    [InlineData("""{"Permissions":[{"Action":"allow","HTTP":{"PathExact":"x"}}]}""", "Invalid Intention: Permissions[0].HTTP.PathExact doesn't start with '/': \"x\"")]
    public async Task Invalid_intentions_are_400(string json, string message)
    {
        var (status, body) = await TestApi.TextOf(await _api.PutAsync("/v1/connect/intentions/exact?source=web&destination=db", json));
        Assert.Equal((HttpStatusCode.BadRequest, message), (status, body));
        Assert.Empty((await _api.GetJsonAsync("/v1/connect/intentions")).EnumerateArray());
    }

    [Fact]
    public async Task List_is_sorted_by_precedence_and_check_evaluates()
    {
        await PutExactAsync("*", "*", """{"Action":"deny"}""");
        await PutExactAsync("web", "db", """{"Action":"allow"}""");
        await PutExactAsync("*", "db", """{"Action":"deny"}""");
        await PutExactAsync("web", "*", """{"Action":"allow"}""");

        var list = await _api.GetJsonAsync("/v1/connect/intentions");
        Assert.Equal([9, 8, 6, 5], list.EnumerateArray().Select(i => i.GetProperty("Precedence").GetInt32()));

        async Task<bool> Allowed(string source, string destination) =>
            (await _api.GetJsonAsync($"/v1/connect/intentions/check?source={Uri.EscapeDataString(source)}&destination={destination}")).GetProperty("Allowed").GetBoolean();
        Assert.True(await Allowed("web", "db"));
        Assert.False(await Allowed("api", "db"));
        Assert.True(await Allowed("web", "cache"));
        Assert.False(await Allowed("api", "cache"));
    }

    [Fact]
    public async Task Match_answers_each_name_in_evaluation_order()
    {
        await PutExactAsync("*", "db", """{"Action":"deny"}""");
        await PutExactAsync("web", "db", """{"Action":"allow"}""");
        await PutExactAsync("web", "cache", """{"Action":"allow"}""");

        var match = await _api.GetJsonAsync("/v1/connect/intentions/match?by=destination&name=db&name=none");
        Assert.Equal(["web", "*"], match.GetProperty("db").EnumerateArray().Select(i => i.GetProperty("SourceName").GetString()));
        Assert.Empty(match.GetProperty("none").EnumerateArray());

        var bySource = await _api.GetJsonAsync("/v1/connect/intentions/match?by=source&name=web");
        Assert.Equal(["cache", "db", "db"], bySource.GetProperty("web").EnumerateArray().Select(i => i.GetProperty("DestinationName").GetString()).Order());
    }

    [Fact]
    public async Task Legacy_create_get_update_and_delete_by_id()
    {
        using var created = await PostAsync("/v1/connect/intentions", """{"SourceName":"web","DestinationName":"db","SourceType":"consul","Action":"allow","Meta":{"team":"a"}}""");
        var id = (await TestApi.JsonOf(created)).GetProperty("ID").GetString()!;
        Assert.True(Guid.TryParse(id, out _));

        var intention = await _api.GetJsonAsync($"/v1/connect/intentions/{id}");
        Assert.Equal("a", intention.GetProperty("Meta").GetProperty("team").GetString());
        Assert.NotEqual("0001-01-01T00:00:00Z", intention.GetProperty("CreatedAt").GetString());

        var (status, body) = await TestApi.TextOf(await PostAsync("/v1/connect/intentions", """{"SourceName":"web","DestinationName":"db","Action":"deny"}"""));
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.StartsWith($"duplicate intention found: web => db (ID: {id}", body, StringComparison.Ordinal);

        using (var update = await _api.PutAsync($"/v1/connect/intentions/{id}", """{"SourceName":"web","DestinationName":"db","Action":"deny"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        }
        Assert.Equal("deny", (await _api.GetJsonAsync("/v1/connect/intentions/exact?source=web&destination=db")).GetProperty("Action").GetString());

        using (var delete = await _api.DeleteAsync($"/v1/connect/intentions/{id}"))
        {
            Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        }
        Assert.Equal((HttpStatusCode.NotFound, "Intention not found"), await TestApi.TextOf(await _api.GetAsync($"/v1/connect/intentions/{id}")));
    }

    [Fact]
    public async Task Permissions_are_stored_and_returned()
    {
        await PutExactAsync("web", "api", """
            {"Permissions":[{"Action":"deny","HTTP":{"PathPrefix":"/admin","Header":[{"Name":"X-Debug","Present":true}]}},
                            {"Action":"allow","HTTP":{"Methods":["GET"]}}]}
            """);

        var intention = await _api.GetJsonAsync("/v1/connect/intentions/exact?source=web&destination=api");
        Assert.False(intention.TryGetProperty("Action", out _));
        var permissions = intention.GetProperty("Permissions");
        Assert.Equal(2, permissions.GetArrayLength());
        Assert.Equal("/admin", permissions[0].GetProperty("HTTP").GetProperty("PathPrefix").GetString());
        Assert.True(permissions[0].GetProperty("HTTP").GetProperty("Header")[0].GetProperty("Present").GetBoolean());
        Assert.False(permissions[0].GetProperty("HTTP").TryGetProperty("PathExact", out _));
        // At L4 an L7 intention denies.
        Assert.False((await _api.GetJsonAsync("/v1/connect/intentions/check?source=web&destination=api")).GetProperty("Allowed").GetBoolean());
    }

    [Fact]
    public async Task List_blocks_until_an_intention_changes()
    {
        await PutExactAsync("web", "db", """{"Action":"allow"}""");
        using var first = await _api.GetAsync("/v1/connect/intentions");
        var index = TestApi.IndexOf(first);

        var blocked = _api.GetAsync($"/v1/connect/intentions?index={index}&wait=30s");
        await Eventually.TrueAsync(() => _api.Store.WaitingQueries == 1, "the list to block");
        Assert.False(blocked.IsCompleted);
        await PutExactAsync("web", "cache", """{"Action":"deny"}""");

        using var woken = await blocked.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(TestApi.IndexOf(woken) > index);
        Assert.Equal(2, (await TestApi.JsonOf(woken)).GetArrayLength());
    }

    [Fact]
    public async Task Authorize_evaluates_the_client_certificates_service()
    {
        await PutExactAsync("web", "db", """{"Action":"deny"}""");
        const string Web = "spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/web";

        var denied = await AuthorizeAsync($$"""{"Target":"db","ClientCertURI":"{{Web}}","ClientCertSerial":"01"}""");
        Assert.False(denied.GetProperty("Authorized").GetBoolean());
        Assert.Equal("Matched L4 intention: web => db (Precedence: 9, Action: DENY)", denied.GetProperty("Reason").GetString());

        var allowed = await AuthorizeAsync($$"""{"Target":"cache","ClientCertURI":"{{Web}}"}""");
        Assert.True(allowed.GetProperty("Authorized").GetBoolean());
        Assert.Equal("Default behavior configured by ACLs", allowed.GetProperty("Reason").GetString());
    }

    [Theory]
    [InlineData("""{"ClientCertURI":"spiffe://x.consul/ns/default/dc/dc1/svc/web"}""", "Target service must be specified")]
    [InlineData("""{"Target":"db"}""", "ClientCertURI must be specified")]
    [InlineData("""{"Target":"db","ClientCertURI":"https://x.consul/ns/default/dc/dc1/svc/web"}""", "ClientCertURI not a valid Connect identifier")]
    [InlineData("""{"Target":"db","ClientCertURI":"spiffe://x.consul/ns/default/svc/web"}""", "ClientCertURI not a valid Connect identifier")]
    [InlineData("""{"Target":"db","ClientCertURI":"spiffe://x.consul/agent/client/dc/dc1/id/abc"}""", "ClientCertURI not a valid Service identifier")]
    public async Task Authorize_rejects_bad_requests(string json, string message)
    {
        var (status, body) = await TestApi.TextOf(await PostAsync("/v1/agent/connect/authorize", json));
        Assert.Equal((HttpStatusCode.BadRequest, message), (status, body));
    }

    private async Task<JsonElement> AuthorizeAsync(string json)
    {
        using var response = await PostAsync("/v1/agent/connect/authorize", json);
        return await TestApi.JsonOf(response);
    }
}
