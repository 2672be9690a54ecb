using System.Text;
using Mesh.Server.State;

namespace Mesh.Server.Tests.State;

public sealed class StateStoreKvTests
{
    private readonly StateStore _store = new();

    private KvEntry? Get(string key) => _store.Read(r => r.KvGet(key)).Value;

    [Fact]
    public void Set_assigns_create_and_modify_index_from_one_global_index()
    {
        var first = _store.Apply(new KvSet("a", "1"u8.ToArray()));
        var second = _store.Apply(new KvSet("a", "2"u8.ToArray(), Flags: 42));

        Assert.Equal(1ul, first.Index);
        Assert.Equal(2ul, second.Index);
        var entry = Get("a")!;
        Assert.Equal(1ul, entry.CreateIndex);
        Assert.Equal(2ul, entry.ModifyIndex);
        Assert.Equal(42ul, entry.Flags);
        Assert.Equal("2", Encoding.UTF8.GetString(entry.Value!));
    }

    [Fact]
    public void Cas_zero_writes_only_when_absent_and_cas_n_only_at_that_index()
    {
        Assert.True(_store.Apply(new KvSet("k", [1], Cas: 0)).Succeeded);
        Assert.False(_store.Apply(new KvSet("k", [2], Cas: 0)).Succeeded);
        Assert.False(_store.Apply(new KvSet("k", [3], Cas: 99)).Succeeded);
        var modify = Get("k")!.ModifyIndex;
        Assert.True(_store.Apply(new KvSet("k", [4], Cas: modify)).Succeeded);
        Assert.Equal([4], Get("k")!.Value);
    }

    [Fact]
    public void Failed_cas_changes_nothing_but_uses_its_index()
    {
        _store.Apply(new KvSet("k", [1]));
        var failed = _store.Apply(new KvDelete("k", Cas: 12345));
        Assert.False(failed.Succeeded);
        Assert.Equal(2ul, _store.LastIndex);
        Assert.Equal(1ul, Get("k")!.ModifyIndex);
    }

    [Fact]
    public async Task Recursive_delete_removes_the_prefix_only_and_moves_the_prefix_index()
    {
        _store.Apply(new KvSet("web/a", [1]));
        _store.Apply(new KvSet("web/b", [1]));
        _store.Apply(new KvSet("webx", [1]));
        var before = await _store.QueryAsync(r => r.KvList("web/"));

        var delete = _store.Apply(new KvDelete("web/", Recurse: true));

        var after = await _store.QueryAsync(r => r.KvList("web/"));
        Assert.Empty(after.Value);
        Assert.Equal(delete.Index, after.Index);
        Assert.True(after.Index > before.Index);
        Assert.NotNull(Get("webx"));
    }

    [Fact]
    public async Task Blocking_read_wakes_on_a_write_under_its_prefix()
    {
        _store.Apply(new KvSet("cfg/a", [1]));
        var current = await _store.QueryAsync(r => r.KvList("cfg/"));

        var blocked = _store.QueryAsync(r => r.KvList("cfg/"), current.Index, TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => _store.WaitingQueries == 1, "1 blocked queries");
        Assert.False(blocked.IsCompleted);

        _store.Apply(new KvSet("cfg/b", [2]));

        var result = await blocked.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, result.Value.Count);
        Assert.True(result.Index > current.Index);
    }

    [Fact]
    public async Task Blocking_read_is_not_woken_by_an_unrelated_write()
    {
        _store.Apply(new KvSet("cfg/a", [1]));
        var current = await _store.QueryAsync(r => r.KvGet("cfg/a"));
        var blocked = _store.QueryAsync(r => r.KvGet("cfg/a"), current.Index, TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => _store.WaitingQueries == 1, "1 blocked queries");

        _store.Apply(new KvSet("cfg/ab", [1]));
        _store.Apply(new KvSet("other", [1]));

        // The unrelated writes notified nobody: the waiter is still registered, not woken and re-registered.
        Assert.Equal(1, _store.WaitingQueries);
        Assert.False(blocked.IsCompleted);

        _store.Apply(new KvSet("cfg/a", [2]));
        var result = await blocked.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([2], result.Value!.Value);
    }

    [Fact]
    public async Task Blocking_read_answers_when_its_wait_runs_out()
    {
        var time = new ManualTimeProvider();
        var store = new StateStore(time);
        store.Apply(new KvSet("a", [1]));
        var blocked = store.QueryAsync(r => r.KvGet("a"), minIndex: 1, wait: TimeSpan.FromMinutes(5));
        await Eventually.TrueAsync(() => store.WaitingQueries == 1, "1 blocked queries");

        time.Advance(TimeSpan.FromMinutes(5));

        var result = await blocked.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1ul, result.Index);
    }
}
