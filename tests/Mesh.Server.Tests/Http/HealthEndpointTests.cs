using System.Net;

namespace Mesh.Server.Tests.Http;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Service_lists_instances_with_node_and_checks_and_passing_keeps_only_all_passing()
    {
        await using var api = await TestApi.StartAsync();
        (await api.PutAsync("/v1/catalog/register", CatalogBodies.Instance("n1", "web", "web-1", "passing"))).Dispose();
        (await api.PutAsync("/v1/catalog/register", CatalogBodies.Instance("n2", "web", "web-2", "warning"))).Dispose();
        (await api.PutAsync("/v1/catalog/register", CatalogBodies.Instance("n3", "web", "web-3", "critical"))).Dispose();

        var all = await api.GetJsonAsync("/v1/health/service/web");
        Assert.Equal(3, all.GetArrayLength());
        var first = all[0];
        Assert.Equal(["Node", "Service", "Checks"], first.EnumerateObject().Select(p => p.Name));
        Assert.Equal("n1", first.GetProperty("Node").GetProperty("Node").GetString());
        Assert.Equal("web-1", first.GetProperty("Service").GetProperty("ID").GetString());
        var check = Assert.Single(first.GetProperty("Checks").EnumerateArray());
        Assert.Equal("web", check.GetProperty("ServiceName").GetString());
        Assert.Equal("passing", check.GetProperty("Status").GetString());

        // Consul's ?passing: every check must be passing; warning filters an instance out too.
        var passing = await api.GetJsonAsync("/v1/health/service/web?passing");
        Assert.Equal(["web-1"], passing.EnumerateArray().Select(e => e.GetProperty("Service").GetProperty("ID").GetString()));
        Assert.Equal(3, (await api.GetJsonAsync("/v1/health/service/web?passing=false")).GetArrayLength());

        var (status, body) = await TestApi.TextOf(await api.GetAsync("/v1/health/service/web?passing=maybe"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Invalid value for ?passing", body);
    }

    [Fact]
    public async Task A_critical_node_check_fails_every_service_on_the_node()
    {
        await using var api = await TestApi.StartAsync();
        (await api.PutAsync("/v1/catalog/register", CatalogBodies.Instance("n1", "web", "web-1", "passing"))).Dispose();
        (await api.PutAsync("/v1/catalog/register", """{"Node":"n1","Address":"10.0.0.2","Check":{"CheckID":"serfHealth","Name":"Serf Health Status","Status":"critical"}}""")).Dispose();

        Assert.Empty((await api.GetJsonAsync("/v1/health/service/web?passing")).EnumerateArray());
        var checks = await api.GetJsonAsync("/v1/health/node/n1");
        Assert.Equal(["serfHealth", "web-1-check"], checks.EnumerateArray().Select(c => c.GetProperty("CheckID").GetString()).Order());
    }

    [Fact]
    public async Task State_and_checks_list_checks_by_status_and_by_service()
    {
        await using var api = await TestApi.StartAsync();
        (await api.PutAsync("/v1/catalog/register", CatalogBodies.Instance("n1", "web", "web-1", "passing", """["v1"]"""))).Dispose();
        (await api.PutAsync("/v1/catalog/register", CatalogBodies.Instance("n2", "db", "db-1", "critical"))).Dispose();

        var critical = Assert.Single((await api.GetJsonAsync("/v1/health/state/critical")).EnumerateArray());
        Assert.Equal("db-1-check", critical.GetProperty("CheckID").GetString());
        Assert.Equal(2, (await api.GetJsonAsync("/v1/health/state/any")).GetArrayLength());
        Assert.Empty((await api.GetJsonAsync("/v1/health/state/warning")).EnumerateArray());

        var webCheck = Assert.Single((await api.GetJsonAsync("/v1/health/checks/web")).EnumerateArray());
        Assert.Equal(["v1"], webCheck.GetProperty("ServiceTags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("{}", webCheck.GetProperty("Definition").GetRawText());

        var (status, body) = await TestApi.TextOf(await api.GetAsync("/v1/health/state/sick"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Invalid state", body);
    }

    [Fact]
    public async Task Check_definitions_print_durations_as_go_does()
    {
        await using var api = await TestApi.StartAsync();
        (await api.PutAsync("/v1/catalog/register", """
            {"Node":"n1","Address":"10.0.0.1","Check":{"Name":"ping","Definition":{"TCP":"10.0.0.1:22","Interval":"1m30s","Timeout":5000000000,"TTL":"15s"}}}
            """)).Dispose();

        var check = Assert.Single((await api.GetJsonAsync("/v1/health/node/n1")).EnumerateArray());
        Assert.Equal("ping", check.GetProperty("CheckID").GetString());
        Assert.Equal("critical", check.GetProperty("Status").GetString());
        Assert.Equal("1m30s", check.GetProperty("Interval").GetString());
        Assert.Equal("5s", check.GetProperty("Timeout").GetString());
        var definition = check.GetProperty("Definition");
        Assert.Equal("10.0.0.1:22", definition.GetProperty("TCP").GetString());
        Assert.Equal("1m30s", definition.GetProperty("Interval").GetString());
        Assert.Equal(15_000_000_000L, definition.GetProperty("TTL").GetInt64());
    }

    [Theory]
    [InlineData("/v1/health/service/")]
    [InlineData("/v1/health/state/")]
    [InlineData("/v1/health/node/")]
    public async Task Missing_path_segments_are_400(string path)
    {
        await using var api = await TestApi.StartAsync();
        var (status, body) = await TestApi.TextOf(await api.GetAsync(path));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("Missing ", body, StringComparison.Ordinal);
    }
}
