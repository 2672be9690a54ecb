using Mesh.Server.State;
using Mesh.Server.State.Sessions;
using Mesh.Server.State.Txn;

namespace Mesh.Server.Tests.State;

/// <summary>Node, service, check and session operations of a transaction, against the store itself.</summary>
public sealed class StateStoreTxnCatalogTests
{
    private readonly StateStore _store = new();

    private static CatalogNode Node(string name, ulong modifyIndex = 0) => new() { Node = name, Address = "10.0.0.1", ModifyIndex = modifyIndex };

    private static CatalogService Web(string node, ulong modifyIndex = 0) =>
        new() { Node = node, ID = "web-1", Service = "web", Port = 8080, Tags = ["v1"], ModifyIndex = modifyIndex };

    private static CatalogCheck WebCheck(string node, string status = "passing", ulong modifyIndex = 0) =>
        new() { Node = node, CheckID = "web-alive", Name = "web alive", Status = status, ServiceID = "web-1", ModifyIndex = modifyIndex };

    [Fact]
    public void A_node_its_service_and_its_check_are_registered_together_at_one_index()
    {
        var result = _store.Apply(new TxnApply(
        [
            new TxnNodeOp(TxnCatalogVerb.Set, Node("n1")),
            new TxnServiceOp(TxnCatalogVerb.Set, "n1", Web("n1")),
            new TxnCheckOp(TxnCatalogVerb.Set, WebCheck("n1")),
            new TxnServiceOp(TxnCatalogVerb.Get, "n1", Web("n1")),
        ]));

        Assert.True(result.Succeeded);
        var results = result.Txn!.Results!;
        Assert.Equal("10.0.0.1", results[0].Node!.Address);
        Assert.Equal("web", results[1].Service!.Service);
        Assert.Equal("web", results[2].Check!.ServiceName);
        Assert.Equal(result.Index, results[3].Service!.ModifyIndex);
        var entry = Assert.Single(_store.Read(r => r.ServiceEntries("web")).Value);
        Assert.Equal(("n1", 8080, "passing"), (entry.Node.Node, entry.Service.Port, Assert.Single(entry.Checks).Status));
    }

    [Fact]
    public void Cas_and_delete_cas_compare_the_modify_index_and_zero_means_only_if_absent()
    {
        var created = _store.Apply(new TxnApply([new TxnNodeOp(TxnCatalogVerb.Cas, Node("n1"))]));
        Assert.True(created.Succeeded);

        var again = _store.Apply(new TxnApply([new TxnNodeOp(TxnCatalogVerb.Cas, Node("n1"))]));
        Assert.Equal([new TxnError(0, "failed to set node \"n1\", index is stale")], again.Txn!.Errors!);
        var stale = _store.Apply(new TxnApply([new TxnNodeOp(TxnCatalogVerb.DeleteCas, Node("n1", created.Index + 100))]));
        Assert.Equal([new TxnError(0, "failed to delete node \"n1\", index is stale")], stale.Txn!.Errors!);
        Assert.NotNull(_store.Read(r => r.Node("n1")).Value);

        var deleted = _store.Apply(new TxnApply([new TxnNodeOp(TxnCatalogVerb.DeleteCas, Node("n1", created.Index))]));
        Assert.True(deleted.Succeeded);
        Assert.Null(_store.Read(r => r.Node("n1")).Value);
    }

    [Fact]
    public void Each_failure_is_reported_with_consul_s_reason()
    {
        _store.Apply(new CatalogRegister(Node("n1")));
        var result = _store.Apply(new TxnApply(
        [
            new TxnServiceOp(TxnCatalogVerb.Set, "nope", Web("nope")),
            new TxnCheckOp(TxnCatalogVerb.Set, WebCheck("n1")),
            new TxnServiceOp(TxnCatalogVerb.Get, "n1", Web("n1")),
            new TxnCheckOp(TxnCatalogVerb.Get, WebCheck("n1")),
            new TxnNodeOp(TxnCatalogVerb.Get, Node("n2")),
            new TxnServiceOp(TxnCatalogVerb.Cas, "n1", Web("n1", modifyIndex: 7)),
            new TxnNodeOp("touch", Node("n1")),
            new TxnSessionOp("renew", "s1"),
        ]));

        Assert.Equal(
        [
            new TxnError(0, "Missing node registration"),
            new TxnError(1, "Missing service registration"),
            new TxnError(2, "service \"web-1\" on node \"n1\" doesn't exist"),
            new TxnError(3, "check \"web-alive\" on node \"n1\" doesn't exist"),
            new TxnError(4, "node \"n2\" doesn't exist"),
            new TxnError(5, "failed to set service \"web-1\" on node \"n1\", index is stale"),
            new TxnError(6, "unknown Node verb \"touch\""),
            new TxnError(7, "unknown Session verb \"renew\""),
        ], result.Txn!.Errors!);
    }

    [Fact]
    public async Task A_failed_transaction_puts_back_a_deleted_node_its_session_and_the_lock_it_held()
    {
        _store.Apply(new TxnApply(
        [
            new TxnNodeOp(TxnCatalogVerb.Set, Node("n1")),
            new TxnServiceOp(TxnCatalogVerb.Set, "n1", Web("n1")),
            new TxnCheckOp(TxnCatalogVerb.Set, WebCheck("n1")),
        ]));
        Assert.Null(_store.Apply(new SessionCreate(new SessionEntry { ID = "s1", Node = "n1", LockDelay = TimeSpan.Zero })).Error);
        Assert.True(_store.Apply(new KvLock("leader", [1], 0, "s1")).Succeeded);
        var before = _store.Read(r => r.ServiceEntries("web"));
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var watcher = _store.QueryAsync(r => r.ServiceEntries("web"), before.Index, TimeSpan.FromSeconds(30), cancel.Token);

        // Removing the node ends its session, which releases the lock; the last operation fails, so none of it holds.
        var result = _store.Apply(new TxnApply(
        [
            new TxnNodeOp(TxnCatalogVerb.Delete, Node("n1")),
            new TxnKvOp(TxnKvOp.Set, "after", [2]),
            new TxnNodeOp(TxnCatalogVerb.Get, Node("n1")),
        ]));

        Assert.Equal([new TxnError(2, "node \"n1\" doesn't exist")], result.Txn!.Errors!);
        var after = _store.Read(r => r.ServiceEntries("web"));
        Assert.Equal(before.Index, after.Index);
        Assert.Equal("passing", Assert.Single(Assert.Single(after.Value).Checks).Status);
        Assert.NotNull(_store.Read(r => r.Session("s1")).Value);
        Assert.Equal("s1", _store.Read(r => r.KvGet("leader")).Value!.Session);
        Assert.Null(_store.Read(r => r.KvGet("after")).Value);
        Assert.False(watcher.IsCompleted);

        // A session delete on its own releases the lock.
        Assert.True(_store.Apply(new TxnApply([new TxnSessionOp(TxnSessionOp.Delete, "s1")])).Succeeded);
        Assert.Null(_store.Read(r => r.KvGet("leader")).Value!.Session);
    }

    [Fact]
    public void A_read_only_transaction_gets_catalog_rows_without_a_write()
    {
        _store.Apply(new CatalogRegister(Node("n1"), Web("n1"), [WebCheck("n1", "warning")]));
        var index = _store.LastIndex;

        var read = _store.Read(r => r.Txn(
        [
            new TxnNodeOp(TxnCatalogVerb.Get, Node("n1")),
            new TxnServiceOp(TxnCatalogVerb.Get, "n1", Web("n1")),
            new TxnCheckOp(TxnCatalogVerb.Get, WebCheck("n1")),
        ])).Value;

        Assert.Null(read.Errors);
        Assert.Equal("warning", read.Results![2].Check!.Status);
        Assert.Equal(index, _store.LastIndex);
        Assert.Throws<ArgumentException>(() => _store.Read(r => r.Txn([new TxnSessionOp(TxnSessionOp.Delete, "s1")])));
    }
}
