using System.Net;
using System.Text.Json;

namespace Mesh.Server.Tests.Http;

public sealed class CatalogEndpointTests
{
    [Fact]
    public async Task Register_lists_the_node_and_the_service_in_consuls_shapes()
    {
        await using var api = await TestApi.StartAsync();
        using (var register = await api.PutAsync("/v1/catalog/register", """
            {"Node":"n1","Address":"10.0.0.1","NodeMeta":{"rack":"a"},"TaggedAddresses":{"lan":"10.0.0.1"},
             "Service":{"Service":"redis","Tags":["primary","v1"],"Port":6379,"Meta":{"version":"7"}}}
            """))
        {
            Assert.Equal("true", await register.Content.ReadAsStringAsync());
        }

        var node = Assert.Single((await api.GetJsonAsync("/v1/catalog/nodes")).EnumerateArray());
        Assert.Equal("n1", node.GetProperty("Node").GetString());
        Assert.Equal("10.0.0.1", node.GetProperty("Address").GetString());
        Assert.Equal("dc1", node.GetProperty("Datacenter").GetString());
        Assert.Equal("a", node.GetProperty("Meta").GetProperty("rack").GetString());

        var services = await api.GetJsonAsync("/v1/catalog/services");
        Assert.Equal(["primary", "v1"], services.GetProperty("redis").EnumerateArray().Select(t => t.GetString()));

        var instance = Assert.Single((await api.GetJsonAsync("/v1/catalog/service/redis")).EnumerateArray());
        string[] fields =
        [
            "ID", "Node", "Address", "Datacenter", "TaggedAddresses", "NodeMeta", "ServiceKind", "ServiceID", "ServiceName",
            "ServiceTags", "ServiceAddress", "ServiceWeights", "ServiceMeta", "ServicePort", "ServiceSocketPath",
            "ServiceEnableTagOverride", "ServiceProxy", "ServiceConnect", "ServiceLocality", "CreateIndex", "ModifyIndex",
        ];
        Assert.Equal(fields, instance.EnumerateObject().Select(p => p.Name));
        Assert.Equal("redis", instance.GetProperty("ServiceID").GetString());
        Assert.Equal(6379, instance.GetProperty("ServicePort").GetInt32());
        Assert.Equal("7", instance.GetProperty("ServiceMeta").GetProperty("version").GetString());
        Assert.Equal("""{"Mode":"","MeshGateway":{},"Expose":{}}""", instance.GetProperty("ServiceProxy").GetRawText());
        Assert.Equal("{}", instance.GetProperty("ServiceConnect").GetRawText());
        Assert.Equal("""{"Passing":1,"Warning":1}""", instance.GetProperty("ServiceWeights").GetRawText());

        var byNode = await api.GetJsonAsync("/v1/catalog/node/n1");
        Assert.Equal("n1", byNode.GetProperty("Node").GetProperty("Node").GetString());
        var service = byNode.GetProperty("Services").GetProperty("redis");
        Assert.Equal("redis", service.GetProperty("Service").GetString());
        Assert.False(service.TryGetProperty("Kind", out _));
    }

    [Fact]
    public async Task Tags_and_node_meta_filter_instances()
    {
        await using var api = await TestApi.StartAsync();
        (await api.PutAsync("/v1/catalog/register", CatalogBodies.Instance("n1", "web", "web-1", "passing", """["blue","v1"]"""))).Dispose();
        (await api.PutAsync("/v1/catalog/register", CatalogBodies.Instance("n2", "web", "web-2", "passing", """["green","v1"]"""))).Dispose();
        (await api.PutAsync("/v1/catalog/register", """{"Node":"n3","Address":"10.0.0.3","NodeMeta":{"zone":"b"},"Service":{"ID":"web-3","Service":"web","Tags":["blue"]}}""")).Dispose();

        Assert.Equal(["web-1", "web-3"], await IdsAsync(api, "/v1/catalog/service/web?tag=blue"));
        Assert.Equal(["web-1"], await IdsAsync(api, "/v1/catalog/service/web?tag=BLUE&tag=v1"));
        Assert.Equal(["web-3"], await IdsAsync(api, "/v1/catalog/service/web?node-meta=zone:b"));
        Assert.Empty(await IdsAsync(api, "/v1/catalog/service/web?tag=red"));
        Assert.Empty(await IdsAsync(api, "/v1/catalog/service/nope"));
        Assert.Single((await api.GetJsonAsync("/v1/catalog/nodes?node-meta=zone:b")).EnumerateArray());
    }

    [Fact]
    public async Task Deregister_removes_a_service_then_the_node()
    {
        await using var api = await TestApi.StartAsync();
        (await api.PutAsync("/v1/catalog/register", CatalogBodies.Instance("n1", "web", "web-1", "passing"))).Dispose();

        using (var response = await api.PutAsync("/v1/catalog/deregister", """{"Node":"n1","ServiceID":"web-1"}"""))
        {
            Assert.Equal("true", await response.Content.ReadAsStringAsync());
        }
        Assert.Empty((await api.GetJsonAsync("/v1/catalog/service/web")).EnumerateArray());
        Assert.Empty((await api.GetJsonAsync("/v1/health/checks/web")).EnumerateArray());
        Assert.Single((await api.GetJsonAsync("/v1/catalog/nodes")).EnumerateArray());

        (await api.PutAsync("/v1/catalog/deregister", """{"Node":"n1"}""")).Dispose();
        Assert.Empty((await api.GetJsonAsync("/v1/catalog/nodes")).EnumerateArray());
        Assert.Equal(JsonValueKind.Null, (await api.GetJsonAsync("/v1/catalog/node/n1")).ValueKind);
    }

    [Fact]
    public async Task Connect_lists_the_proxies_for_a_service_and_its_native_instances()
    {
        await using var api = await TestApi.StartAsync();
        (await api.PutAsync("/v1/catalog/register", CatalogBodies.Instance("n1", "web", "web-1", "passing"))).Dispose();
        (await api.PutAsync("/v1/catalog/register", """
            {"Node":"n1","Address":"10.0.0.1","Service":{"Kind":"connect-proxy","ID":"web-1-sidecar-proxy","Service":"web-sidecar-proxy","Port":21000,
             "Proxy":{"DestinationServiceName":"web","DestinationServiceID":"web-1","LocalServicePort":8080,
                      "Upstreams":[{"DestinationName":"db","LocalBindPort":5000}]}}}
            """)).Dispose();
        (await api.PutAsync("/v1/catalog/register", """{"Node":"n2","Address":"10.0.0.2","Service":{"ID":"web-native","Service":"web","Connect":{"Native":true}}}""")).Dispose();
        (await api.PutAsync("/v1/catalog/register", """
            {"Node":"n2","Address":"10.0.0.2","Service":{"Kind":"connect-proxy","ID":"api-proxy","Service":"api-sidecar-proxy","Port":21001,
             "Proxy":{"DestinationServiceName":"api"}}}
            """)).Dispose();

        Assert.Equal(["web-1-sidecar-proxy", "web-native"], await IdsAsync(api, "/v1/catalog/connect/web"));
        var proxy = (await api.GetJsonAsync("/v1/catalog/connect/web"))[0];
        Assert.Equal("connect-proxy", proxy.GetProperty("ServiceKind").GetString());
        var upstream = Assert.Single(proxy.GetProperty("ServiceProxy").GetProperty("Upstreams").EnumerateArray());
        Assert.Equal("db", upstream.GetProperty("DestinationName").GetString());
        Assert.Equal(5000, upstream.GetProperty("LocalBindPort").GetInt32());
        Assert.True((await api.GetJsonAsync("/v1/catalog/connect/web"))[1].GetProperty("ServiceConnect").GetProperty("Native").GetBoolean());

        var health = await api.GetJsonAsync("/v1/health/connect/web");
        Assert.Equal(["web-1-sidecar-proxy", "web-native"], health.EnumerateArray().Select(e => e.GetProperty("Service").GetProperty("ID").GetString()));
    }

    [Fact]
    public async Task Renaming_one_instance_keeps_the_other_instances_of_the_old_name_on_that_node()
    {
        await using var api = await TestApi.StartAsync();
        (await api.PutAsync("/v1/catalog/register", """{"Node":"n1","Address":"10.0.0.1","Service":{"ID":"web-1","Service":"web"}}""")).Dispose();
        (await api.PutAsync("/v1/catalog/register", """{"Node":"n1","Address":"10.0.0.1","Service":{"ID":"web-2","Service":"web"}}""")).Dispose();

        (await api.PutAsync("/v1/catalog/register", """{"Node":"n1","Address":"10.0.0.1","Service":{"ID":"web-1","Service":"api"}}""")).Dispose();

        Assert.Equal(["web-2"], await IdsAsync(api, "/v1/catalog/service/web"));
        Assert.Equal(["web-1"], await IdsAsync(api, "/v1/catalog/service/api"));
    }

    [Fact]
    public async Task Datacenters_lists_this_one()
    {
        await using var api = await TestApi.StartAsync();
        Assert.Equal("""["dc1"]""", (await api.GetJsonAsync("/v1/catalog/datacenters")).GetRawText());
    }

    [Theory]
    [InlineData("""{"Node":"n1","Address":""", HttpStatusCode.BadRequest, "Request decode failed:")]
    [InlineData("""{"Node":"n1","Address":"10.0.0.1","Service":{"Port":"eighty"}}""", HttpStatusCode.BadRequest, "Request decode failed:")]
    [InlineData("""{"Address":"10.0.0.1"}""", HttpStatusCode.BadRequest, "Must provide node")]
    [InlineData("""{"Node":"n1","Address":"10.0.0.1","Service":{"ID":"x"}}""", HttpStatusCode.BadRequest, "Must provide service name")]
    [InlineData("""{"Node":"n1","Address":"10.0.0.1","Check":{"Name":"c","Status":"fine"}}""", HttpStatusCode.BadRequest, "Invalid check status: 'fine'")]
    [InlineData("""{"Node":"n1","Address":"10.0.0.1","Check":{"Name":"c","Definition":{"Interval":"often"}}}""", HttpStatusCode.BadRequest, "Request decode failed:")]
    [InlineData("""{"Node":"n1","Address":"10.0.0.1","Datacenter":"dc9"}""", HttpStatusCode.InternalServerError, "No path to datacenter")]
    [InlineData("""{"Node":"n1"}""", HttpStatusCode.InternalServerError, "Must provide address")]
    [InlineData("""{"Node":"n1","Address":"10.0.0.1","Check":{"Name":"c","ServiceID":"ghost"}}""", HttpStatusCode.InternalServerError, "Unknown service ID 'ghost'")]
    public async Task Bad_registrations_are_refused_and_write_nothing(string body, HttpStatusCode expected, string message)
    {
        await using var api = await TestApi.StartAsync();

        var (status, text) = await TestApi.TextOf(await api.PutAsync("/v1/catalog/register", body));

        Assert.Equal(expected, status);
        Assert.StartsWith(message, text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.Empty((await api.GetJsonAsync("/v1/catalog/nodes")).EnumerateArray());
    }

    [Fact]
    public async Task Deregister_needs_a_node()
    {
        await using var api = await TestApi.StartAsync();
        var (status, text) = await TestApi.TextOf(await api.PutAsync("/v1/catalog/deregister", """{"ServiceID":"x"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Must provide node", text);
    }

    private static async Task<IEnumerable<string?>> IdsAsync(TestApi api, string path) =>
        (await api.GetJsonAsync(path)).EnumerateArray().Select(e => e.GetProperty("ServiceID").GetString()).ToList();
}
