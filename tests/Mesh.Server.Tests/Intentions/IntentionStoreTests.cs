using Mesh.Connect.Intentions;
using Mesh.Server.State;
using Mesh.Server.State.Intentions;

namespace Mesh.Server.Tests.Intentions;

public sealed class IntentionStoreTests
{
    private static readonly DateTime Now = new(2026, 11, 26, 10, 0, 0, DateTimeKind.Utc);

    private readonly StateStore _store = new();

    private IReadOnlyList<Intention> All() => _store.Read(r => r.Intentions()).Value;

    private ApplyResult Apply(IntentionOp op, Intention intention) => _store.Apply(new IntentionApply(op, intention, Now));

    private static Intention L4(string source, string destination, string action = "allow", string id = "") =>
        new() { ID = id, SourceName = source, DestinationName = destination, Action = action };

    [Fact]
    public void Upsert_replaces_the_pairs_intention_keeping_its_create_index()
    {
        var created = Apply(IntentionOp.Upsert, L4("web", "db"));
        var replaced = Apply(IntentionOp.Upsert, L4("web", "db", "deny"));

        var intention = Assert.Single(All());
        Assert.Equal("deny", intention.Action);
        Assert.Equal(created.Index, intention.CreateIndex);
        Assert.Equal(replaced.Index, intention.ModifyIndex);
        Assert.Equal("", intention.ID);
        Assert.Equal(default, intention.CreatedAt);
    }

    [Fact]
    public void Legacy_create_refuses_a_second_intention_for_a_pair()
    {
        Assert.True(Apply(IntentionOp.Create, L4("web", "db", id: "id-1")).Succeeded);

        var duplicate = Apply(IntentionOp.Create, L4("web", "db", "deny", id: "id-2"));

        Assert.False(duplicate.Succeeded);
        Assert.Equal("duplicate intention found: web => db (ID: id-1, Precedence: 9, Action: ALLOW)", duplicate.Error);
        var stored = Assert.Single(All());
        Assert.Equal(("id-1", Now, Now), (stored.ID, stored.CreatedAt, stored.UpdatedAt));
    }

    [Fact]
    public void Legacy_update_and_delete_go_by_id()
    {
        Apply(IntentionOp.Create, L4("web", "db", id: "id-1"));

        Assert.True(Apply(IntentionOp.Update, L4("web", "cache", "deny", id: "id-1")).Succeeded);
        var moved = Assert.Single(All());
        Assert.Equal(("web", "cache", "deny", "id-1"), (moved.SourceName, moved.DestinationName, moved.Action, moved.ID));

        Assert.Equal("Cannot modify non-existent intention: \"nope\"", Apply(IntentionOp.Update, L4("a", "b", id: "nope")).Error);
        Assert.Equal("Cannot delete non-existent intention: \"nope\"", Apply(IntentionOp.Delete, L4("", "", id: "nope")).Error);
        Assert.True(Apply(IntentionOp.Delete, L4("", "", id: "id-1")).Succeeded);
        Assert.Empty(All());
    }

    [Fact]
    public void Delete_by_pair_is_idempotent_and_invalid_intentions_are_rejected()
    {
        Assert.True(Apply(IntentionOp.Delete, L4("web", "db")).Succeeded);
        var rejected = Apply(IntentionOp.Upsert, L4("web", "db", "maybe"));
        Assert.Equal("Action must be set to 'allow' or 'deny'", rejected.Error);
        Assert.Empty(All());
    }

    [Fact]
    public void Listing_is_in_precedence_then_name_order()
    {
        Apply(IntentionOp.Upsert, L4("*", "*", "deny"));
        Apply(IntentionOp.Upsert, L4("web", "*"));
        Apply(IntentionOp.Upsert, L4("b", "db"));
        Apply(IntentionOp.Upsert, L4("*", "db"));
        Apply(IntentionOp.Upsert, L4("a", "db"));

        Assert.Equal(["a => db", "b => db", "* => db", "web => *", "* => *"], All().Select(i => $"{i.SourceName} => {i.DestinationName}"));
    }

    [Fact]
    public async Task A_blocking_read_wakes_on_an_intention_write()
    {
        Apply(IntentionOp.Upsert, L4("web", "db"));
        var first = await _store.QueryAsync(r => r.Intentions());

        var waiting = _store.QueryAsync(r => r.Intentions(), first.Index, TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => _store.WaitingQueries == 1, "the query to block");
        Assert.False(waiting.IsCompleted);
        var write = Apply(IntentionOp.Upsert, L4("web", "cache"));

        var woken = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(write.Index, woken.Index);
        Assert.Equal(2, woken.Value.Count);
    }

    [Fact]
    public async Task Intentions_survive_a_snapshot()
    {
        Apply(IntentionOp.Create, L4("web", "db", id: "id-1") with { Description = "d", Meta = new() { ["k"] = "v" } });
        Apply(IntentionOp.Upsert, new Intention
        {
            SourceName = "*",
            DestinationName = "api",
            Permissions = [new IntentionPermission { Action = "allow", HTTP = new IntentionHttpPermission { PathPrefix = "/" } }],
        });
        using var buffer = new MemoryStream();
        _store.Capture().WriteTo(buffer);
        buffer.Position = 0;

        var restored = new StateStore();
        await restored.RestoreSnapshotAsync(buffer);

        var original = All();
        var copy = restored.Read(r => r.Intentions()).Value;
        Assert.Equal(original.Count, copy.Count);
        Assert.Equal(original[0], copy[0] with { Meta = original[0].Meta });
        Assert.Equal("v", copy[0].Meta["k"]);
        Assert.Equal("/", copy[1].Permissions![0].HTTP!.PathPrefix);
        Assert.Equal(_store.Read(r => r.Intentions()).Index, restored.Read(r => r.Intentions()).Index);
    }
}
