using System.Net;
using System.Text.Json;

namespace Mesh.Server.Tests.Http;

/// <summary>/v1/query against the real API on a real socket, over a real state store.</summary>
public sealed class PreparedQueryEndpointTests : IAsyncLifetime
{
    private TestApi _api = null!;

    public async Task InitializeAsync() => _api = await TestApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private async Task<string> CreateAsync(string body)
    {
        var created = await TestApi.JsonOf(await _api.Client.PostAsync("/v1/query", new StringContent(body)));
        return created.GetProperty("ID").GetString()!;
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string body) =>
        await TestApi.TextOf(await _api.Client.PostAsync("/v1/query", new StringContent(body)));

    private async Task RegisterAsync(string node, string id, string status, string tags = "[]", string nodeMeta = "{}", string serviceMeta = "{}")
    {
        var body = $$"""
            {
              "Node": "{{node}}", "Address": "10.0.1.{{node[^1]}}", "NodeMeta": {{nodeMeta}},
              "Service": { "ID": "{{id}}", "Service": "web", "Tags": {{tags}}, "Meta": {{serviceMeta}}, "Port": 8080 },
              "Check": { "CheckID": "{{id}}-check", "Name": "check", "ServiceID": "{{id}}", "Status": "{{status}}" }
            }
            """;
        var (status2, text) = await TestApi.TextOf(await _api.PutAsync("/v1/catalog/register", body));
        Assert.True(status2 == HttpStatusCode.OK, text);
    }

    private async Task<List<string>> ExecuteAsync(string idOrName, string query = "")
    {
        var answer = await _api.GetJsonAsync($"/v1/query/{idOrName}/execute{query}");
        return [.. answer.GetProperty("Nodes").EnumerateArray().Select(n => n.GetProperty("Service").GetProperty("ID").GetString()!).Order()];
    }

    [Fact]
    public async Task Create_get_list_update_and_delete_in_consuls_shapes()
    {
        var id = await CreateAsync("""
            {"Name":"web-query","Service":{"Service":"web","Tags":["v1","!canary"],"OnlyPassing":true,
             "Failover":{"NearestN":2,"Datacenters":["dc2"]},"NodeMeta":{"rack":"a"}},"DNS":{"TTL":"10s"}}
            """);
        Assert.True(Guid.TryParse(id, out _));

        var got = await TestApi.JsonOf(await _api.GetAsync($"/v1/query/{id}"));
        var query = Assert.Single(got.EnumerateArray());
        Assert.Equal(["ID", "Name", "Session", "Token", "Service", "DNS", "Template", "CreateIndex", "ModifyIndex"],
            query.EnumerateObject().Select(p => p.Name));
        Assert.Equal("web-query", query.GetProperty("Name").GetString());
        var service = query.GetProperty("Service");
        Assert.Equal(["v1", "!canary"], service.GetProperty("Tags").EnumerateArray().Select(t => t.GetString()));
        Assert.True(service.GetProperty("OnlyPassing").GetBoolean());
        Assert.Equal(2, service.GetProperty("Failover").GetProperty("NearestN").GetInt32());
        Assert.Equal("a", service.GetProperty("NodeMeta").GetProperty("rack").GetString());
        Assert.Equal(JsonValueKind.Null, service.GetProperty("ServiceMeta").ValueKind);
        Assert.Equal("10s", query.GetProperty("DNS").GetProperty("TTL").GetString());
        var createIndex = query.GetProperty("CreateIndex").GetUInt64();

        var (status, body) = await TestApi.TextOf(await _api.PutAsync($"/v1/query/{id}", """{"Name":"web-query","Service":{"Service":"db"}}"""));
        Assert.Equal((HttpStatusCode.OK, ""), (status, body));
        var listed = Assert.Single((await _api.GetJsonAsync("/v1/query")).EnumerateArray());
        Assert.Equal("db", listed.GetProperty("Service").GetProperty("Service").GetString());
        Assert.Equal(createIndex, listed.GetProperty("CreateIndex").GetUInt64());
        Assert.True(listed.GetProperty("ModifyIndex").GetUInt64() > createIndex);

        Assert.Equal(HttpStatusCode.OK, (await TestApi.TextOf(await _api.DeleteAsync($"/v1/query/{id}"))).Status);
        Assert.Equal("[]", await _api.Client.GetStringAsync("/v1/query"));
        Assert.Equal((HttpStatusCode.NotFound, "Query not found"), await TestApi.TextOf(await _api.GetAsync($"/v1/query/{id}")));
    }

    [Fact]
    public async Task Bad_queries_are_refused_with_consuls_answers()
    {
        Assert.Equal((HttpStatusCode.InternalServerError, "Invalid prepared query: Must provide a Service name to query"),
            await PostAsync("""{"Name":"q","Service":{}}"""));
        Assert.Equal((HttpStatusCode.InternalServerError, "Invalid prepared query: Must be bound to a session"),
            await PostAsync("""{"Service":{"Service":"web"}}"""));
        Assert.Equal((HttpStatusCode.InternalServerError, "Invalid prepared query: Bad NearestN '-1', must be >= 0"),
            await PostAsync("""{"Name":"q","Service":{"Service":"web","Failover":{"NearestN":-1}}}"""));
        Assert.Equal((HttpStatusCode.InternalServerError, "ID must be empty when creating a new prepared query"),
            await PostAsync("""{"ID":"x","Name":"q","Service":{"Service":"web"}}"""));
        Assert.Equal((HttpStatusCode.BadRequest, "prepared query templates are not supported"),
            await PostAsync("""{"Name":"q","Template":{"Type":"name_prefix_match"},"Service":{"Service":"${name.suffix}"}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync("{not json")).Status);

        await CreateAsync("""{"Name":"taken","Service":{"Service":"web"}}""");
        Assert.Equal((HttpStatusCode.InternalServerError, "name 'taken' aliases an existing query name"),
            await PostAsync("""{"Name":"taken","Service":{"Service":"db"}}"""));
        const string ghost = "11111111-2222-3333-4444-555555555555";
        Assert.Equal((HttpStatusCode.InternalServerError, $"Cannot modify non-existent prepared query: '{ghost}'"),
            await TestApi.TextOf(await _api.PutAsync($"/v1/query/{ghost}", """{"Name":"x","Service":{"Service":"web"}}""")));
        Assert.Equal((HttpStatusCode.NotFound, "Query not found"), await TestApi.TextOf(await _api.GetAsync("/v1/query/nope/execute")));
        Assert.Equal((HttpStatusCode.NotFound, "Query not found"), await TestApi.TextOf(await _api.GetAsync("/v1/query/nope/explain")));
        Assert.Single((await _api.GetJsonAsync("/v1/query")).EnumerateArray());
    }

    [Fact]
    public async Task Execute_answers_healthy_instances_filtered_by_tags_and_meta()
    {
        await RegisterAsync("n1", "web-1", "passing", """["v1"]""", """{"rack":"a"}""", """{"env":"prod"}""");
        await RegisterAsync("n2", "web-2", "warning", """["v1"]""", """{"rack":"a"}""", """{"env":"prod"}""");
        await RegisterAsync("n3", "web-3", "critical", """["v1"]""", """{"rack":"a"}""", """{"env":"prod"}""");
        await RegisterAsync("n4", "web-4", "passing", """["v1","canary"]""", """{"rack":"a"}""", """{"env":"prod"}""");
        await RegisterAsync("n5", "web-5", "passing", """["v2"]""", """{"rack":"b"}""", """{"env":"dev"}""");

        var all = await CreateAsync("""{"Name":"all","Service":{"Service":"web"},"DNS":{"TTL":"7s"}}""");
        var answer = await _api.GetJsonAsync($"/v1/query/{all}/execute");
        Assert.Equal(["Service", "Nodes", "DNS", "Datacenter", "Failovers", "Index", "LastContact", "KnownLeader", "ConsistencyLevel"],
            answer.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("web", "7s", TestApi.Datacenter, 0), (answer.GetProperty("Service").GetString(),
            answer.GetProperty("DNS").GetProperty("TTL").GetString(), answer.GetProperty("Datacenter").GetString(), answer.GetProperty("Failovers").GetInt32()));
        Assert.Equal(["Node", "Service", "Checks"], answer.GetProperty("Nodes")[0].EnumerateObject().Select(p => p.Name));
        // Critical is out, warning is in unless OnlyPassing.
        Assert.Equal(["web-1", "web-2", "web-4", "web-5"], await ExecuteAsync(all));
        Assert.Equal(["web-1", "web-2", "web-4", "web-5"], await ExecuteAsync("ALL"));
        Assert.Equal(2, (await _api.GetJsonAsync("/v1/query/all/execute?limit=2")).GetProperty("Nodes").GetArrayLength());
        Assert.Equal((HttpStatusCode.InternalServerError, "Bad limit: strconv.Atoi: parsing \"many\": invalid syntax"),
            await TestApi.TextOf(await _api.GetAsync("/v1/query/all/execute?limit=many")));

        await CreateAsync("""{"Name":"passing","Service":{"Service":"web","OnlyPassing":true}}""");
        Assert.Equal(["web-1", "web-4", "web-5"], await ExecuteAsync("passing"));
        await CreateAsync("""{"Name":"ignoring","Service":{"Service":"web","IgnoreCheckIDs":["web-3-check"]}}""");
        Assert.Contains("web-3", await ExecuteAsync("ignoring"));
        await CreateAsync("""{"Name":"stable","Service":{"Service":"web","Tags":["V1","!canary"]}}""");
        Assert.Equal(["web-1", "web-2"], await ExecuteAsync("stable"));
        await CreateAsync("""{"Name":"rack-b","Service":{"Service":"web","NodeMeta":{"rack":"b"}}}""");
        Assert.Equal(["web-5"], await ExecuteAsync("rack-b"));
        await CreateAsync("""{"Name":"prod","Service":{"Service":"web","ServiceMeta":{"env":"prod"}}}""");
        Assert.Equal(["web-1", "web-2", "web-4"], await ExecuteAsync("prod"));
        await CreateAsync("""{"Name":"nothing","Service":{"Service":"db"}}""");
        Assert.Empty(await ExecuteAsync("nothing"));

        var explained = await _api.GetJsonAsync("/v1/query/stable/explain");
        Assert.Equal("stable", explained.GetProperty("Query").GetProperty("Name").GetString());
    }

    [Fact]
    public async Task Near_puts_the_named_node_first()
    {
        for (var i = 1; i <= 6; i++)
        {
            await RegisterAsync($"n{i}", $"web-{i}", "passing");
        }
        await CreateAsync("""{"Name":"near","Service":{"Service":"web","Near":"n4"}}""");
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var nodes = (await _api.GetJsonAsync("/v1/query/near/execute")).GetProperty("Nodes");
            Assert.Equal("n4", nodes[0].GetProperty("Node").GetProperty("Node").GetString());
            var asked = (await _api.GetJsonAsync("/v1/query/near/execute?near=n2")).GetProperty("Nodes");
            Assert.Equal("n2", asked[0].GetProperty("Node").GetProperty("Node").GetString());
        }
    }
}
