using Mesh.Server.State;

namespace Mesh.Server.Tests.State;

public sealed class StateStoreCatalogTests
{
    private readonly StateStore _store = new();

    private static CatalogNode Node(string name, string address = "10.0.0.1") => new() { Node = name, Address = address };

    private static CatalogService Web(string node, string id = "web-1", params string[] tags) =>
        new() { Node = node, ID = id, Service = "web", Port = 80, Tags = [.. tags] };

    [Fact]
    public async Task Register_node_service_and_check_then_read_them_by_service()
    {
        var result = _store.Apply(new CatalogRegister(
            Node("n1"),
            Web("n1", tags: "v1"),
            [new CatalogCheck { Node = "n1", CheckID = "web-check", ServiceID = "web-1", Status = "passing" }]));
        Assert.True(result.Succeeded, result.Error);

        var entries = await _store.QueryAsync(r => r.ServiceEntries("web"));
        var entry = Assert.Single(entries.Value);
        Assert.Equal("10.0.0.1", entry.Node.Address);
        Assert.Equal("web-1", entry.Service.ID);
        var check = Assert.Single(entry.Checks);
        Assert.Equal("web", check.ServiceName);
        Assert.Equal(["v1"], check.ServiceTags);
        Assert.Equal(result.Index, entries.Index);
    }

    [Fact]
    public void Re_registering_the_same_content_changes_no_index()
    {
        _store.Apply(new CatalogRegister(Node("n1"), Web("n1")));
        var before = _store.Read(r => r.ServiceEntries("web")).Index;

        _store.Apply(new CatalogRegister(Node("n1"), Web("n1")));

        Assert.Equal(before, _store.Read(r => r.ServiceEntries("web")).Index);
    }

    [Fact]
    public void A_check_for_an_unknown_service_is_rejected_and_nothing_is_written()
    {
        var result = _store.Apply(new CatalogRegister(
            Node("n1"),
            Checks: [new CatalogCheck { Node = "n1", CheckID = "c", ServiceID = "nope" }]));

        Assert.False(result.Succeeded);
        Assert.Contains("nope", result.Error);
        Assert.Empty(_store.Read(r => r.Nodes()).Value);
    }

    [Fact]
    public async Task Check_status_change_wakes_the_service_watcher_but_not_another_service()
    {
        _store.Apply(new CatalogRegister(Node("n1"), Web("n1"), [new CatalogCheck { Node = "n1", CheckID = "c1", ServiceID = "web-1" }]));
        _store.Apply(new CatalogRegister(Node("n1"), new CatalogService { Node = "n1", ID = "db", Service = "db" }));
        var web = await _store.QueryAsync(r => r.ServiceEntries("web"));
        var db = await _store.QueryAsync(r => r.ServiceEntries("db"));
        var webBlocked = _store.QueryAsync(r => r.ServiceEntries("web"), web.Index, TimeSpan.FromSeconds(30));
        var dbBlocked = _store.QueryAsync(r => r.ServiceEntries("db"), db.Index, TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => _store.WaitingQueries == 2, "2 blocked queries");

        _store.Apply(new CheckStatusUpdate("n1", "c1", "passing", "ok"));

        var woken = await webBlocked.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("passing", Assert.Single(Assert.Single(woken.Value).Checks).Status);
        Assert.False(dbBlocked.IsCompleted);
        Assert.Equal(1, _store.WaitingQueries);
    }

    [Fact]
    public void Re_tagging_a_service_updates_the_tags_its_checks_carry()
    {
        _store.Apply(new CatalogRegister(Node("n1"), Web("n1", tags: "v1"), [new CatalogCheck { Node = "n1", CheckID = "c1", ServiceID = "web-1" }]));

        _store.Apply(new CatalogRegister(Node("n1"), Web("n1", tags: "v2")));

        var check = Assert.Single(_store.Read(r => r.ServiceChecks("web")).Value);
        Assert.Equal(["v2"], check.ServiceTags);
    }

    [Fact]
    public async Task Deregistering_a_node_removes_its_services_and_checks()
    {
        _store.Apply(new CatalogRegister(Node("n1"), Web("n1"), [new CatalogCheck { Node = "n1", CheckID = "c1", ServiceID = "web-1" }]));
        _store.Apply(new CatalogRegister(Node("n2", "10.0.0.2"), Web("n2")));

        _store.Apply(new CatalogDeregister("n1"));

        var entry = Assert.Single((await _store.QueryAsync(r => r.ServiceEntries("web"))).Value);
        Assert.Equal("n2", entry.Node.Node);
        Assert.Empty((await _store.QueryAsync(r => r.AllChecks())).Value);
        Assert.Equal(["n2"], (await _store.QueryAsync(r => r.Nodes())).Value.Select(n => n.Node));
    }

    [Fact]
    public async Task Snapshot_restores_the_same_state_and_index()
    {
        _store.Apply(new KvSet("a/b", [1, 2], Flags: 7));
        _store.Apply(new CatalogRegister(Node("n1"), Web("n1", tags: "x"), [new CatalogCheck { Node = "n1", CheckID = "c1", ServiceID = "web-1", Status = "warning" }]));
        _store.Apply(new KvDelete("a/gone"));
        using var buffer = new MemoryStream();
        _store.Capture().WriteTo(buffer);

        var restored = new StateStore();
        buffer.Position = 0;
        await restored.RestoreSnapshotAsync(buffer);

        Assert.Equal(_store.LastIndex, restored.LastIndex);
        Assert.Equal(_store.Read(r => r.KvGet("a/b")).Value, restored.Read(r => r.KvGet("a/b")).Value, KvComparer.Instance);
        var entry = Assert.Single((await restored.QueryAsync(r => r.ServiceEntries("web"))).Value);
        Assert.Equal(["x"], entry.Service.Tags);
        Assert.Equal("warning", Assert.Single(entry.Checks).Status);
        // The restored store keeps applying from where the snapshot was taken.
        Assert.Equal(_store.LastIndex + 1, restored.Apply(new KvSet("c", null)).Index);
    }

    private sealed class KvComparer : IEqualityComparer<KvEntry?>
    {
        public static readonly KvComparer Instance = new();

        public bool Equals(KvEntry? x, KvEntry? y) =>
            x is not null && y is not null && x.Key == y.Key && x.Flags == y.Flags && x.ModifyIndex == y.ModifyIndex
            && x.CreateIndex == y.CreateIndex && (x.Value ?? []).SequenceEqual(y.Value ?? []);

        public int GetHashCode(KvEntry? obj) => obj?.Key.GetHashCode(StringComparison.Ordinal) ?? 0;
    }
}
