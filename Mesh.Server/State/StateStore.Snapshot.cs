using System.Text.Json;
using Mesh.Connect.Intentions;
using Mesh.Server.State.Intentions;

namespace Mesh.Server.State;

public sealed partial class StateStore
{
    // The index of the last whole-store restore: every read reports at least this, so an index a client saw
    // before the restore never looks newer than the restored data.
    private ulong _restoredAt;

    /// <summary>
    /// The whole store (what Raft snapshots and restores) at this point in time: cheap to take, since records are
    /// immutable and shared, and written out later by <see cref="StateSnapshot.WriteTo"/>.
    /// </summary>
    public StateSnapshot Capture()
    {
        lock (_gate)
        {
            return new StateSnapshot(CaptureState());
        }
    }

    /// <summary>Every table as it is now; the caller holds the lock.</summary>
    // Records are immutable, so copying references is a consistent point-in-time view.
    private Snapshot CaptureState() => new(
        _lastIndex,
        new Dictionary<string, ulong>(_indexes),
        [.. _kv.WithPrefix("").Select(e => e.Value)],
        _tombstones.WithPrefix("").ToDictionary(t => t.Key, t => t.Value),
        [.. _nodes.Values],
        [.. _services.Values.SelectMany(onNode => onNode.Values)],
        [.. _checks.Values.SelectMany(onNode => onNode.Values)],
        _restoredAt,
        [.. _intentions.Values],
        CaptureConnectCa(),
        [.. _sessions.Values],
        new Dictionary<string, ulong>(_lockReleases),
        [.. _preparedQueries.Values]);

    /// <summary>Replaces the whole store with a snapshot and wakes every blocking query.</summary>
    public async Task RestoreSnapshotAsync(Stream source, CancellationToken cancellationToken = default) =>
        Restore(await JsonSerializer.DeserializeAsync<Snapshot>(source, StateJson.Options, cancellationToken).ConfigureAwait(false));

    /// <summary>Replaces the whole store with a snapshot and wakes every blocking query.</summary>
    public void RestoreSnapshot(Stream source) => Restore(JsonSerializer.Deserialize<Snapshot>(source, StateJson.Options));

    /// <summary>
    /// The command that restores <paramref name="state"/> (as <see cref="StateSnapshot.WriteTo"/> wrote it), checked
    /// first so that a bad one is refused before it is proposed. Throws <see cref="InvalidDataException"/>.
    /// </summary>
    public static StateRestore RestoreCommand(ReadOnlyMemory<byte> state)
    {
        JsonElement parsed;
        try
        {
            using var document = JsonDocument.Parse(state);
            parsed = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"the snapshot state is not valid JSON: {ex.Message}", ex);
        }
        var command = new StateRestore(parsed);
        _ = Decode(command);
        return command;
    }

    private ApplyResult ApplyRestore(StateRestore restore, ulong index, ChangeSet changes)
    {
        Snapshot snapshot;
        try
        {
            snapshot = Decode(restore);
        }
        catch (InvalidDataException ex)
        {
            // Refused before proposing; a replica must still never fail on a committed entry.
            return new ApplyResult(index, false, ex.Message);
        }
        Replace(snapshot);
        _restoredAt = index;
        changes.Everything = true;
        return new ApplyResult(index, true);
    }

    private static Snapshot Decode(StateRestore restore)
    {
        try
        {
            var snapshot = restore.State.Deserialize<Snapshot>(StateJson.Options);
            return snapshot is { Indexes: not null, Kv: not null, Tombstones: not null, Nodes: not null, Services: not null, Checks: not null }
                ? snapshot
                : throw new InvalidDataException("the snapshot state is incomplete");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"the snapshot state is not a state store snapshot: {ex.Message}", ex);
        }
    }

    private void Restore(Snapshot? snapshot)
    {
        if (snapshot is null)
        {
            throw new InvalidDataException("The snapshot is empty.");
        }
        lock (_gate)
        {
            _lastIndex = snapshot.Index;
            _restoredAt = snapshot.RestoredAt;
            Replace(snapshot);
        }
        _watches.NotifyAll();
    }

    /// <summary>Swaps every table for the snapshot's; the caller holds the lock and sets the indexes.</summary>
    private void Replace(Snapshot snapshot)
    {
        _indexes.Clear();
        foreach (var (table, index) in snapshot.Indexes)
        {
            _indexes[table] = index;
        }
        _kv.Clear();
        snapshot.Kv.ForEach(e => _kv.Set(e.Key, e));
        _tombstones.Clear();
        foreach (var (key, index) in snapshot.Tombstones)
        {
            _tombstones.Set(key, index);
        }
        _nodes.Clear();
        _services.Clear();
        _checks.Clear();
        _serviceNodes.Clear();
        snapshot.Nodes.ForEach(n => _nodes[n.Node] = n);
        snapshot.Services.ForEach(PutService);
        snapshot.Checks.ForEach(PutCheck);
        ReplaceIntentions(snapshot.Intentions);
        ReplaceConnectCa(snapshot.ConnectCa);
        ReplaceSessions(snapshot.Sessions, snapshot.LockReleases);
        ReplacePreparedQueries(snapshot.PreparedQueries);
    }

    /// <summary>The store as it was when captured.</summary>
    public sealed class StateSnapshot
    {
        private readonly Snapshot _state;

        internal StateSnapshot(Snapshot state) => _state = state;

        /// <summary>The index of the last change it holds.</summary>
        public ulong Index => _state.Index;

        public void WriteTo(Stream destination) => JsonSerializer.Serialize(destination, _state, StateJson.Options);
    }

    internal sealed record Snapshot(
        ulong Index,
        Dictionary<string, ulong> Indexes,
        List<KvEntry> Kv,
        Dictionary<string, ulong> Tombstones,
        List<CatalogNode> Nodes,
        List<CatalogService> Services,
        List<CatalogCheck> Checks,
        ulong RestoredAt = 0,
        List<Intention>? Intentions = null,
        ConnectCa.ConnectCaState? ConnectCa = null,
        List<Sessions.SessionEntry>? Sessions = null,
        Dictionary<string, ulong>? LockReleases = null,
        List<PreparedQueries.PreparedQuery>? PreparedQueries = null);
}
