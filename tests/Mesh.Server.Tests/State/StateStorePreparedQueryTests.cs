using System.Text.Json;
using Mesh.Server.State;
using Mesh.Server.State.PreparedQueries;
using Mesh.Server.State.Queries;
using Mesh.Server.State.Sessions;

namespace Mesh.Server.Tests.State;

public sealed class StateStorePreparedQueryTests
{
    private const string First = "7c1f4a52-3b0e-4d57-9a0c-1d2e3f405161";
    private const string Second = "0f9e8d7c-6b5a-4938-8271-605f4e3d2c1b";

    private readonly StateStore _store = new(new ManualTimeProvider());

    public StateStorePreparedQueryTests() =>
        _store.Apply(new CatalogRegister(
            new CatalogNode { Node = "n1", Address = "10.0.0.1" },
            Checks: [new CatalogCheck { Node = "n1", CheckID = "serfHealth", Status = "passing" }]));

    private static PreparedQuery Query(string id, string name = "", string service = "web", string session = "", string ttl = "") => new()
    {
        ID = id,
        Name = name,
        Session = session,
        Service = new PreparedQueryService { Service = service },
        DnsTtl = ttl,
    };

    private ApplyResult Apply(PreparedQueryOp op, PreparedQuery query) => _store.Apply(new PreparedQueryApply(op, query));

    private PreparedQuery? Get(string id) => _store.Read(r => r.PreparedQuery(id)).Value;

    [Fact]
    public void Create_update_and_delete_keep_the_create_index_and_move_the_modify_index()
    {
        var created = Apply(PreparedQueryOp.Create, Query(First, "web-query"));
        Assert.Null(created.Error);
        var updated = Apply(PreparedQueryOp.Update, Query(First, "web-query", service: "db"));
        Assert.Null(updated.Error);

        var stored = Get(First)!;
        Assert.Equal(("db", created.Index, updated.Index), (stored.Service.Service, stored.CreateIndex, stored.ModifyIndex));
        Assert.Same(stored, _store.Read(r => r.ResolvePreparedQuery("WEB-QUERY")).Value);
        Assert.Same(stored, _store.Read(r => r.ResolvePreparedQuery(First.ToUpperInvariant())).Value);

        Assert.Null(Apply(PreparedQueryOp.Delete, Query(First)).Error);
        Assert.Null(Get(First));
        Assert.Empty(_store.Read(r => r.PreparedQueries()).Value);
        Assert.Equal($"Cannot modify non-existent prepared query: '{First}'", Apply(PreparedQueryOp.Delete, Query(First)).Error);
        Assert.Equal($"Cannot modify non-existent prepared query: '{First}'", Apply(PreparedQueryOp.Update, Query(First, "x")).Error);
    }

    [Fact]
    public void Invalid_queries_are_refused_with_consuls_messages()
    {
        Assert.Equal("Invalid prepared query: Must provide a Service name to query", Apply(PreparedQueryOp.Create, Query(First, "q", service: "")).Error);
        Assert.Equal("Invalid prepared query: Must be bound to a session", Apply(PreparedQueryOp.Create, Query(First)).Error);
        Assert.Equal("Invalid prepared query: Bad DNS TTL 'soon': time: invalid duration \"soon\"",
            Apply(PreparedQueryOp.Create, Query(First, "q", ttl: "soon")).Error);
        Assert.Equal("invalid session \"ghost\"", Apply(PreparedQueryOp.Create, Query(First, "q", session: "ghost")).Error);

        Assert.Null(Apply(PreparedQueryOp.Create, Query(First, "taken")).Error);
        Assert.Equal("name 'TAKEN' aliases an existing query name", Apply(PreparedQueryOp.Create, Query(Second, "TAKEN")).Error);
        Assert.Equal($"name '{First}' aliases an existing query ID", Apply(PreparedQueryOp.Create, Query(Second, First)).Error);
        Assert.Null(Get(Second));
        // Updating a query may keep its own name.
        Assert.Null(Apply(PreparedQueryOp.Update, Query(First, "taken", service: "db")).Error);
    }

    [Fact]
    public void Invalidating_its_session_deletes_a_bound_query()
    {
        _store.Apply(new SessionCreate(new SessionEntry { ID = "s1", Node = "n1", NodeChecks = ["serfHealth"] }));
        Assert.Null(Apply(PreparedQueryOp.Create, Query(First, session: "s1")).Error);
        Assert.Null(Apply(PreparedQueryOp.Create, Query(Second, "unbound")).Error);
        var before = _store.Read(r => r.PreparedQueries()).Index;

        // The node's serf check going critical invalidates the session.
        var failed = _store.Apply(new CheckStatusUpdate("n1", "serfHealth", "critical", ""));

        Assert.Null(Get(First));
        Assert.NotNull(Get(Second));
        var after = _store.Read(r => r.PreparedQueries()).Index;
        Assert.True(after > before);
        Assert.Equal(failed.Index, after);
    }

    [Fact]
    public void Queries_survive_a_snapshot_and_an_old_snapshot_without_them_still_loads()
    {
        Assert.Null(Apply(PreparedQueryOp.Create, Query(First, "web-query", ttl: "10s")).Error);
        using var saved = new MemoryStream();
        _store.Capture().WriteTo(saved);
        saved.Position = 0;
        var restored = new StateStore();
        restored.RestoreSnapshot(saved);
        var query = restored.Read(r => r.ResolvePreparedQuery("web-query")).Value!;
        Assert.Equal((First, "web", "10s"), (query.ID, query.Service.Service, query.DnsTtl));

        using var old = new MemoryStream("""{"Index":3,"Indexes":{},"Kv":[],"Tombstones":{},"Nodes":[],"Services":[],"Checks":[]}"""u8.ToArray());
        restored.RestoreSnapshot(old);
        Assert.Empty(restored.Read(r => r.PreparedQueries()).Value);
    }

    [Fact]
    public void The_write_and_the_execute_read_travel_as_json_as_raft_and_rpc_carry_them()
    {
        _store.Apply(new CatalogRegister(
            new CatalogNode { Node = "n1", Address = "10.0.0.1" },
            new CatalogService { Node = "n1", ID = "web-1", Service = "web", Tags = ["v1"] }));
        StateCommand command = new PreparedQueryApply(PreparedQueryOp.Create, Query(First, "q", ttl: "5s") with
        {
            Service = new PreparedQueryService { Service = "web", Tags = ["v1", "!canary"], NodeMeta = new() { ["rack"] = "a" } },
        });
        var sent = JsonSerializer.Deserialize<StateCommand>(JsonSerializer.Serialize(command, StateJson.Options), StateJson.Options);
        Assert.Null(_store.Apply(Assert.IsType<PreparedQueryApply>(sent)).Error);
        Assert.Equal(["v1", "!canary"], Get(First)!.Service.Tags);

        StateQuery query = new PreparedQueryExecuteQuery("Q");
        var back = JsonSerializer.Deserialize<StateQuery>(JsonSerializer.Serialize(query, StateJson.Options), StateJson.Options)!;
        var result = _store.Read(back.RunUntyped).Value;
        var json = JsonSerializer.Serialize(result, back.ResultType, StateJson.Options);
        var execution = Assert.IsType<PreparedQueryExecution>(JsonSerializer.Deserialize(json, back.ResultType, StateJson.Options));
        Assert.Equal(("5s", "a"), (execution.Query!.DnsTtl, execution.Query.Service.NodeMeta["rack"]));
        Assert.Equal("web-1", Assert.Single(execution.Entries).Service.ID);
    }
}
