using System.Text.Json;
using Mesh.Server.Config;
using Mesh.Server.State;
using Mesh.Server.State.Queries;

namespace Mesh.Server.Tests.State;

public sealed class StateQueryTests
{
    private readonly StateStore _store = new();

    private static CatalogNode Node(string name) => new() { Node = name, Address = "10.0.0.1" };

    private static CatalogService Sidecar(string node, string id, string destination) => new()
    {
        Node = node,
        ID = id,
        Service = destination + "-sidecar-proxy",
        Kind = "connect-proxy",
        Port = 21000,
        Proxy = new ProxyDefinition { DestinationServiceName = destination },
    };

    [Fact]
    public async Task Connect_reads_find_sidecars_and_wake_only_for_their_destination()
    {
        _store.Apply(new CatalogRegister(Node("n1"), Sidecar("n1", "web-sidecar", "web")));
        _store.Apply(new CatalogRegister(Node("n1"), Sidecar("n1", "db-sidecar", "db")));
        var reader = new LocalStateReader(_store);
        var web = await reader.QueryAsync(new ServiceEntriesQuery("web", Connect: true), QueryOptions.Now);
        Assert.Equal("web-sidecar", Assert.Single(web.Value).Service.ID);

        var blocked = reader.QueryAsync(new ServiceEntriesQuery("web", Connect: true), new QueryOptions(web.Index, TimeSpan.FromSeconds(30)));
        await Eventually.TrueAsync(() => _store.WaitingQueries == 1, "the connect read to block");

        _store.Apply(new CatalogRegister(Node("n1"), Sidecar("n1", "db-sidecar-2", "db")));
        Assert.False(blocked.IsCompleted);
        Assert.Equal(1, _store.WaitingQueries);

        _store.Apply(new CatalogRegister(Node("n1"), Sidecar("n1", "web-sidecar-2", "web")));
        var woken = await blocked.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["web-sidecar", "web-sidecar-2"], woken.Value.Select(e => e.Service.ID));
    }

    [Fact]
    public void Queries_and_their_results_travel_as_json()
    {
        _store.Apply(new KvSet("a/b", [1, 2, 3], Flags: 9));
        StateQuery query = new KvListQuery("a/");

        var json = JsonSerializer.Serialize(query, StateJson.Options);
        var back = Assert.IsType<KvListQuery>(JsonSerializer.Deserialize<StateQuery>(json, StateJson.Options));
        Assert.Equal(query, back);

        var result = _store.Read(back.RunUntyped).Value;
        var resultJson = JsonSerializer.Serialize(result, back.ResultType, StateJson.Options);
        var entries = Assert.IsAssignableFrom<IReadOnlyList<KvEntry>>(JsonSerializer.Deserialize(resultJson, back.ResultType, StateJson.Options));
        Assert.Equal([1, 2, 3], Assert.Single(entries).Value);
    }
}
