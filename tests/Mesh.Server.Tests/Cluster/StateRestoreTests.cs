using System.Text;
using System.Text.Json;
using Mesh.Server.Cluster;
using Mesh.Server.State;

namespace Mesh.Server.Tests.Cluster;

/// <summary>
/// A restore is one state command: replayed at its own index on every replica, it replaces the whole store and
/// every read reports at least that index, so clients' indexes never go backwards.
/// </summary>
public sealed class StateRestoreTests
{
    [Fact]
    public void A_restore_replaces_everything_at_its_own_index()
    {
        var source = new StateStore();
        source.Apply(new KvSet("a", "1"u8.ToArray()));
        source.Apply(new KvSet("b", "2"u8.ToArray()));
        var saved = Bytes(source);
        var target = new StateStore();
        for (var i = 0; i < 10; i++)
        {
            target.Apply(new KvSet($"other/{i}", [1]));
        }

        var result = target.Apply(StateStore.RestoreCommand(saved), index: 20);

        Assert.True(result.Succeeded);
        Assert.Equal(20ul, target.LastIndex);
        Assert.Equal(["a", "b"], target.Read(r => r.KvList("")).Value.Select(e => e.Key));
        // The entry keeps the index it was written at; the read reports the restore's.
        var a = target.Read(r => r.KvGet("a"));
        Assert.Equal(1ul, a.Value!.ModifyIndex);
        Assert.Equal(20ul, a.Index);
        Assert.Equal(20ul, target.Read(r => r.KvGet("missing")).Index);
        target.Apply(new KvSet("a", "3"u8.ToArray()));
        Assert.Equal(21ul, target.Read(r => r.KvGet("a")).Index);
    }

    [Fact]
    public async Task A_blocked_query_wakes_on_a_restore_with_the_restored_value()
    {
        var store = new StateStore();
        store.Apply(new KvSet("k", "old"u8.ToArray()));
        var saved = Bytes(store);
        var current = store.Apply(new KvSet("k", "new"u8.ToArray())).Index;
        var blocked = store.QueryAsync(r => r.KvGet("k"), minIndex: current, wait: TimeSpan.FromSeconds(30));
        Assert.False(blocked.IsCompleted);

        store.Apply(StateStore.RestoreCommand(saved));

        var woken = await blocked.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("old", Encoding.UTF8.GetString(woken.Value!.Value!));
        Assert.True(woken.Index > current);
    }

    [Fact]
    public void The_restore_index_survives_a_raft_snapshot_of_the_store()
    {
        var source = new StateStore();
        source.Apply(new KvSet("k", [1]));
        var restored = new StateStore();
        restored.Apply(StateStore.RestoreCommand(Bytes(source)), index: 50);

        var copy = new StateStore();
        copy.RestoreSnapshot(new MemoryStream(Bytes(restored)));

        Assert.Equal(50ul, copy.LastIndex);
        Assert.Equal(50ul, copy.Read(r => r.KvGet("k")).Index);
    }

    [Theory]
    [InlineData("{\"Kv\":")]
    [InlineData("[1,2]")]
    [InlineData("{\"Index\":3}")]
    public void A_state_that_is_not_a_snapshot_is_refused_before_it_is_proposed(string state)
    {
        var error = Assert.Throws<InvalidDataException>(() => StateStore.RestoreCommand(Encoding.UTF8.GetBytes(state)));

        Assert.StartsWith("the snapshot state is", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_restore_that_reached_the_log_changes_nothing_and_does_not_throw()
    {
        var store = new StateStore();
        store.Apply(new KvSet("k", [1]));
        using var document = JsonDocument.Parse("{\"Index\":3}");

        var result = store.Apply(new StateRestore(document.RootElement.Clone()), index: 7);

        Assert.False(result.Succeeded);
        Assert.Equal("the snapshot state is incomplete", result.Error);
        Assert.Equal([1], store.Read(r => r.KvGet("k")).Value!.Value);
        Assert.Equal(1ul, store.Read(r => r.KvGet("k")).Index);
    }

    [Fact]
    public void The_restore_command_travels_as_the_log_does()
    {
        var source = new StateStore();
        source.Apply(new KvSet("k", "v"u8.ToArray()));
        StateCommand command = StateStore.RestoreCommand(Bytes(source));

        var decoded = JsonSerializer.Deserialize<StateCommand>(JsonSerializer.SerializeToUtf8Bytes(command, StateJson.Options), StateJson.Options);
        var target = new StateStore();
        target.Apply(decoded!);

        Assert.Equal("v", Encoding.UTF8.GetString(target.Read(r => r.KvGet("k")).Value!.Value!));
    }

    [Fact]
    public async Task StateSnapshots_restores_through_the_writer_and_refuses_a_damaged_archive()
    {
        var source = new StateStore();
        source.Apply(new KvSet("k", "saved"u8.ToArray()));
        var saved = await StateSnapshots.SaveAsync(source, term: 4, Server.Consensus.ClusterConfiguration.Empty, TimeProvider.System);
        var target = new StateStore();
        target.Apply(new KvSet("k", "current"u8.ToArray()));

        await Assert.ThrowsAsync<InvalidDataException>(() =>
            StateSnapshots.RestoreAsync(new LocalStateWriter(target), new MemoryStream(saved.Archive[..(saved.Archive.Length / 2)])));
        Assert.Equal("current", Encoding.UTF8.GetString(target.Read(r => r.KvGet("k")).Value!.Value!));

        await StateSnapshots.RestoreAsync(new LocalStateWriter(target), new MemoryStream(saved.Archive));
        Assert.Equal("saved", Encoding.UTF8.GetString(target.Read(r => r.KvGet("k")).Value!.Value!));
    }

    private static byte[] Bytes(StateStore store)
    {
        using var output = new MemoryStream();
        store.Capture().WriteTo(output);
        return output.ToArray();
    }
}
