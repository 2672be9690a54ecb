using System.Net;

namespace Mesh.Server.Tests.Http;

/// <summary>PUT /v1/txn's Node, Service, Check and Session operations in Consul's request and answer shapes.</summary>
public sealed class TxnCatalogEndpointTests
{
    private const string Register = """
        [
          {"Node": {"Verb": "set", "Node": {"Node": "db-1", "Address": "10.1.0.5", "Meta": {"rack": "r1"}}}},
          {"Service": {"Verb": "set", "Node": "db-1", "Service": {"ID": "pg-1", "Service": "postgres", "Port": 5432, "Tags": ["primary"]}}},
          {"Check": {"Verb": "set", "Check": {"Node": "db-1", "CheckID": "pg-alive", "Name": "pg alive", "Status": "passing", "ServiceID": "pg-1"}}},
          {"KV": {"Verb": "set", "Key": "db/primary", "Value": "ZGItMQ=="}}
        ]
        """;

    [Fact]
    public async Task A_node_its_service_check_and_a_key_are_written_together_and_answered_in_consul_s_shapes()
    {
        await using var api = await TestApi.StartAsync();

        using var response = await api.PutAsync("/v1/txn", Register);
        var results = (await TestApi.JsonOf(response)).GetProperty("Results");
        Assert.Equal(4, results.GetArrayLength());
        var node = results[0].GetProperty("Node");
        Assert.Equal(("db-1", "10.1.0.5", TestApi.Datacenter, "r1"),
            (node.GetProperty("Node").GetString(), node.GetProperty("Address").GetString(), node.GetProperty("Datacenter").GetString(), node.GetProperty("Meta").GetProperty("rack").GetString()));
        var service = results[1].GetProperty("Service");
        Assert.Equal(("pg-1", "postgres", 5432), (service.GetProperty("ID").GetString(), service.GetProperty("Service").GetString(), service.GetProperty("Port").GetInt32()));
        var check = results[2].GetProperty("Check");
        Assert.Equal(("pg-alive", "postgres", "passing"), (check.GetProperty("CheckID").GetString(), check.GetProperty("ServiceName").GetString(), check.GetProperty("Status").GetString()));
        Assert.Equal("db/primary", results[3].GetProperty("KV").GetProperty("Key").GetString());
        var index = node.GetProperty("ModifyIndex").GetUInt64();
        Assert.All(results.EnumerateArray(), r => Assert.Equal(index, r.EnumerateObject().Single().Value.GetProperty("ModifyIndex").GetUInt64()));

        var healthy = await api.GetJsonAsync("/v1/health/service/postgres?passing");
        Assert.Equal("10.1.0.5", Assert.Single(healthy.EnumerateArray()).GetProperty("Node").GetProperty("Address").GetString());
    }

    [Fact]
    public async Task Reads_answer_without_a_write_and_a_failed_cas_leaves_the_catalog_as_it_was()
    {
        await using var api = await TestApi.StartAsync();
        (await api.PutAsync("/v1/txn", Register)).Dispose();

        using var read = await api.PutAsync("/v1/txn", """
            [{"Service": {"Verb": "get", "Node": "db-1", "Service": {"ID": "pg-1"}}}, {"Check": {"Verb": "get", "Check": {"Node": "db-1", "CheckID": "pg-alive"}}}]
            """);
        var answer = await TestApi.JsonOf(read);
        Assert.Equal(0ul, answer.GetProperty("Index").GetUInt64());
        var modifyIndex = answer.GetProperty("Results")[0].GetProperty("Service").GetProperty("ModifyIndex").GetUInt64();

        var staleCas = "{\"Node\": {\"Verb\": \"cas\", \"Node\": {\"Node\": \"db-1\", \"Address\": \"10.1.0.6\", \"ModifyIndex\": " + (modifyIndex + 1) + "}}}";
        using var failed = await api.PutAsync("/v1/txn", """[{"Service": {"Verb": "delete", "Node": "db-1", "Service": {"ID": "pg-1"}}}, """ + staleCas + "]");
        var errors = (await TestApi.JsonOf(failed, HttpStatusCode.Conflict)).GetProperty("Errors");
        var error = Assert.Single(errors.EnumerateArray());
        Assert.Equal((1, "failed to set node \"db-1\", index is stale"), (error.GetProperty("OpIndex").GetInt32(), error.GetProperty("What").GetString()));

        var services = await api.GetJsonAsync("/v1/catalog/service/postgres");
        Assert.Equal("10.1.0.5", Assert.Single(services.EnumerateArray()).GetProperty("Address").GetString());
    }

    [Fact]
    public async Task An_operation_naming_nothing_is_a_400()
    {
        await using var api = await TestApi.StartAsync();
        using var response = await api.PutAsync("/v1/txn", """[{"Verb": "set"}]""");
        var (status, body) = await TestApi.TextOf(response);
        Assert.Equal((HttpStatusCode.BadRequest, "Each operation needs one of KV, Node, Service, Check or Session"), (status, body));
    }
}
