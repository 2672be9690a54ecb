using Mesh.Server.State;
using Mesh.Server.State.Sessions;
using Mesh.Server.State.Txn;

namespace Mesh.Server.Tests.State;

public sealed class StateStoreSessionTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly StateStore _store;

    public StateStoreSessionTests()
    {
        _store = new StateStore(_time);
        _store.Apply(new CatalogRegister(
            new CatalogNode { Node = "n1", Address = "10.0.0.1" },
            new CatalogService { Node = "n1", ID = "web", Service = "web" },
            [
                new CatalogCheck { Node = "n1", CheckID = "serfHealth", Status = "passing" },
                new CatalogCheck { Node = "n1", CheckID = "web-check", ServiceID = "web", Status = "passing" },
            ]));
    }

    private KvEntry? Get(string key) => _store.Read(r => r.KvGet(key)).Value;

    private SessionEntry? Session(string id) => _store.Read(r => r.Session(id)).Value;

    private string Create(string id, string behavior = SessionBehavior.Release, TimeSpan lockDelay = default, List<SessionServiceCheck>? serviceChecks = null)
    {
        var result = _store.Apply(new SessionCreate(new SessionEntry
        {
            ID = id,
            Node = "n1",
            Behavior = behavior,
            LockDelay = lockDelay,
            NodeChecks = ["serfHealth"],
            ServiceChecks = serviceChecks ?? [],
        }));
        Assert.Null(result.Error);
        return id;
    }

    [Fact]
    public void Create_refuses_a_missing_node_a_missing_check_and_a_critical_check()
    {
        Assert.Equal("Missing node registration", _store.Apply(new SessionCreate(new SessionEntry { ID = "s", Node = "nope" })).Error);
        Assert.Equal("Missing check 'nope' registration",
            _store.Apply(new SessionCreate(new SessionEntry { ID = "s", Node = "n1", NodeChecks = ["nope"] })).Error);
        _store.Apply(new CheckStatusUpdate("n1", "web-check", "critical", ""));
        Assert.Equal("Check 'web-check' is in critical state",
            _store.Apply(new SessionCreate(new SessionEntry { ID = "s", Node = "n1", ServiceChecks = [new("web-check")] })).Error);
        Assert.Null(Session("s"));
    }

    [Fact]
    public void Acquire_increments_lock_index_only_for_a_new_holder()
    {
        var a = Create("a");
        var b = Create("b");

        Assert.True(_store.Apply(new KvLock("k", [1], 0, a)).Succeeded);
        Assert.Equal((a, 1ul), (Get("k")!.Session, Get("k")!.LockIndex));
        // The holder writes again: same lock.
        Assert.True(_store.Apply(new KvLock("k", [2], 7, a)).Succeeded);
        Assert.Equal((1ul, 7ul, (byte)2), (Get("k")!.LockIndex, Get("k")!.Flags, Get("k")!.Value![0]));
        // Another session neither takes nor releases it.
        Assert.False(_store.Apply(new KvLock("k", [3], 0, b)).Succeeded);
        Assert.False(_store.Apply(new KvUnlock("k", [3], 0, b)).Succeeded);
        Assert.Equal(a, Get("k")!.Session);

        Assert.True(_store.Apply(new KvUnlock("k", [4], 0, a)).Succeeded);
        Assert.Null(Get("k")!.Session);
        Assert.True(_store.Apply(new KvLock("k", [5], 0, b)).Succeeded);
        Assert.Equal((b, 2ul), (Get("k")!.Session, Get("k")!.LockIndex));
    }

    [Fact]
    public void Acquire_with_an_unknown_session_is_an_error()
    {
        Assert.Equal("invalid session \"ghost\"", _store.Apply(new KvLock("k", null, 0, "ghost")).Error);
        Assert.Null(Get("k"));
    }

    [Fact]
    public void A_plain_write_keeps_the_lock()
    {
        var a = Create("a");
        _store.Apply(new KvLock("k", [1], 0, a));
        _store.Apply(new KvSet("k", [2]));
        Assert.Equal((a, 1ul), (Get("k")!.Session, Get("k")!.LockIndex));
    }

    [Fact]
    public void A_critical_service_check_releases_the_locks_and_records_the_lock_delay()
    {
        var a = Create("a", lockDelay: TimeSpan.FromSeconds(15), serviceChecks: [new("web-check")]);
        _store.Apply(new KvLock("k", [1], 3, a));

        _store.Apply(new CheckStatusUpdate("n1", "web-check", "critical", "down"));

        Assert.Null(Session(a));
        var entry = Get("k")!;
        Assert.Null(entry.Session);
        Assert.Equal((3ul, 1ul), (entry.Flags, entry.LockIndex));
        Assert.Equal(TimeSpan.FromSeconds(15), _store.Read(r => r.LockDelay("k")).Value.Remaining);
        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(TimeSpan.Zero, _store.Read(r => r.LockDelay("k")).Value.Remaining);
    }

    [Fact]
    public void A_lock_checked_before_an_invalidation_released_the_key_is_refused()
    {
        var a = Create("a", lockDelay: TimeSpan.FromSeconds(15));
        var b = Create("b");
        _store.Apply(new KvLock("k", [1], 0, a));
        // b's proposer checked the lock delay while a still held the key...
        var checkedBefore = _store.Read(r => r.LockDelay("k")).Value;
        Assert.Equal((TimeSpan.Zero, 0ul), (checkedBefore.Remaining, checkedBefore.ReleasedAt));
        // ...then a's session was invalidated before b's lock applied: the delay it could not see still holds.
        var destroyed = _store.Apply(new SessionDestroy(a));
        Assert.False(_store.Apply(new KvLock("k", [2], 0, b, checkedBefore.ReleasedAt)).Succeeded);

        _time.Advance(TimeSpan.FromSeconds(15));
        var checkedAfter = _store.Read(r => r.LockDelay("k")).Value;
        Assert.Equal((TimeSpan.Zero, destroyed.Index), (checkedAfter.Remaining, checkedAfter.ReleasedAt));
        Assert.True(_store.Apply(new KvLock("k", [2], 0, b, checkedAfter.ReleasedAt)).Succeeded);
    }

    [Fact]
    public void A_warning_check_leaves_the_session_alone()
    {
        var a = Create("a", serviceChecks: [new("web-check")]);
        _store.Apply(new CheckStatusUpdate("n1", "web-check", "warning", ""));
        Assert.NotNull(Session(a));
    }

    [Fact]
    public void Deregistering_the_node_invalidates_its_sessions_and_delete_behavior_deletes_the_keys()
    {
        var a = Create("a", behavior: SessionBehavior.Delete);
        _store.Apply(new KvLock("held", [1], 0, a));
        _store.Apply(new KvSet("free", [1]));

        _store.Apply(new CatalogDeregister("n1"));

        Assert.Null(Session(a));
        Assert.Null(Get("held"));
        Assert.NotNull(Get("free"));
    }

    [Fact]
    public void Serf_health_going_critical_through_a_registration_invalidates_the_session()
    {
        var a = Create("a");
        _store.Apply(new KvLock("k", [1], 0, a));
        _store.Apply(new CatalogRegister(new CatalogNode { Node = "n1", Address = "10.0.0.1" },
            Checks: [new CatalogCheck { Node = "n1", CheckID = "serfHealth", Status = "critical" }], SkipNodeUpdate: true));
        Assert.Null(Session(a));
        Assert.Null(Get("k")!.Session);
    }

    [Fact]
    public void Renew_moves_the_timer_index_but_not_the_session_indexes()
    {
        var a = Create("a");
        var before = Session(a)!;
        var renewed = _store.Apply(new SessionRenew(a));
        Assert.True(renewed.Succeeded);
        var after = Session(a)!;
        Assert.Equal((before.CreateIndex, before.ModifyIndex), (after.CreateIndex, after.ModifyIndex));
        Assert.Equal(renewed.Index, after.RenewIndex);
        Assert.False(_store.Apply(new SessionRenew("ghost")).Succeeded);
    }

    [Fact]
    public void Sessions_survive_a_snapshot()
    {
        var a = Create("a");
        using var saved = new MemoryStream();
        _store.Capture().WriteTo(saved);
        saved.Position = 0;
        var restored = new StateStore();
        restored.RestoreSnapshot(saved);
        Assert.Equal("n1", restored.Read(r => r.Session(a)).Value!.Node);
    }

    [Fact]
    public void A_transaction_locks_with_a_session_and_a_second_session_is_refused_whole()
    {
        var a = Create("a");
        var b = Create("b");

        var locked = _store.Apply(new TxnApply([new TxnKvOp(TxnKvOp.Lock, "k", [1], Session: a)]));
        var refused = _store.Apply(new TxnApply(
        [
            new TxnKvOp(TxnKvOp.Set, "other", [2]),
            new TxnKvOp(TxnKvOp.Lock, "k", [3], Session: b),
        ]));

        Assert.True(locked.Succeeded);
        Assert.Equal((a, 1ul), (Get("k")!.Session, Get("k")!.LockIndex));
        Assert.False(refused.Succeeded);
        Assert.Equal([new TxnError(1, "failed to lock key \"k\", lock is already held")], refused.Txn!.Errors!);
        Assert.Null(Get("other"));
        Assert.True(_store.Apply(new TxnApply([new TxnKvOp(TxnKvOp.CheckSession, "k", Session: a)])).Succeeded);
    }
}
