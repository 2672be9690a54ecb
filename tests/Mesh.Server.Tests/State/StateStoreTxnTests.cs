using Mesh.Server.State;
using Mesh.Server.State.Txn;

namespace Mesh.Server.Tests.State;

/// <summary>A transaction against the store itself: the rows, tombstones, indexes and watchers it leaves.</summary>
public sealed class StateStoreTxnTests
{
    private readonly StateStore _store = new();

    [Fact]
    public async Task A_failed_transaction_restores_rows_tombstones_and_indexes_and_wakes_no_watcher()
    {
        _store.Apply(new KvSet("app/a", [1]));
        _store.Apply(new KvSet("app/gone", [1]));
        _store.Apply(new KvDelete("app/gone"));
        var before = await _store.QueryAsync(r => r.KvList("app/"));
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var watcher = _store.QueryAsync(r => r.KvList("app/"), before.Index, TimeSpan.FromSeconds(30), cancel.Token);

        var result = _store.Apply(new TxnApply(
        [
            new TxnKvOp(TxnKvOp.Set, "app/gone", [2]),
            new TxnKvOp(TxnKvOp.Set, "app/a", [3]),
            new TxnKvOp(TxnKvOp.DeleteTree, "app/"),
            new TxnKvOp(TxnKvOp.Set, "app/new", [4]),
            new TxnKvOp(TxnKvOp.Cas, "app/a", [5], Index: 999),
        ]));

        Assert.False(result.Succeeded);
        Assert.Equal([new TxnError(4, "failed to set key \"app/a\", index is stale")], result.Txn!.Errors!);
        Assert.Null(result.Txn.Results);
        var after = _store.Read(r => r.KvList("app/"));
        Assert.Equal(["app/a"], after.Value.Select(e => e.Key));
        Assert.Equal([1], after.Value[0].Value);
        Assert.Equal(1ul, after.Value[0].ModifyIndex);
        // The prefix's index is still the tombstone's: nothing a reader can see moved.
        Assert.Equal(before.Index, after.Index);
        Assert.False(watcher.IsCompleted);

        // The next write wakes it, at its own index.
        var next = _store.Apply(new KvSet("app/b", [6]));
        Assert.Equal(next.Index, (await watcher).Index);
    }

    [Fact]
    public void Operations_see_the_earlier_operations_of_their_transaction_and_share_one_index()
    {
        var result = _store.Apply(new TxnApply(
        [
            new TxnKvOp(TxnKvOp.CheckNotExists, "k"),
            new TxnKvOp(TxnKvOp.Set, "k", [1], Flags: 3),
            new TxnKvOp(TxnKvOp.CheckIndex, "k", Index: 1),
            new TxnKvOp(TxnKvOp.Cas, "k", [2], Index: 1),
            new TxnKvOp(TxnKvOp.Get, "k"),
        ]));

        Assert.True(result.Succeeded);
        Assert.Null(result.Txn!.Errors);
        var results = result.Txn.Results!;
        Assert.Equal(4, results.Count);
        Assert.All(results.Take(3), r => Assert.Null(r.KV!.Value));
        Assert.Equal([2], results[3].KV!.Value);
        Assert.All(results, r => Assert.Equal((1ul, 1ul), (r.KV!.CreateIndex, r.KV.ModifyIndex)));
    }

    [Fact]
    public void Unlock_and_check_session_compare_the_holder_and_lock_needs_an_existing_session()
    {
        _store.Apply(new KvSet("k", [1]));
        var result = _store.Apply(new TxnApply(
        [
            new TxnKvOp(TxnKvOp.CheckSession, "k"),
            new TxnKvOp(TxnKvOp.Lock, "k", Session: "s1"),
        ]));
        Assert.Equal([new TxnError(1, "invalid session \"s1\"")], result.Txn!.Errors!);

        var read = _store.Read(r => r.Txn([new TxnKvOp(TxnKvOp.CheckSession, "k"), new TxnKvOp(TxnKvOp.GetTree, "")])).Value;
        Assert.Null(read.Errors);
        Assert.Equal(2, read.Results!.Count);
    }
}
