using System.Text.Json;

namespace Mesh.Server.State;

public sealed partial class StateStore
{
    /// <summary>
    /// The whole store (what Raft snapshots and restores) at this point in time: cheap to take, since records are
    /// immutable and shared, and written out later by <see cref="StateSnapshot.WriteTo"/>.
    /// </summary>
    public StateSnapshot Capture()
    {
        lock (_gate)
        {
            // Records are immutable, so copying references is a consistent point-in-time view.
            return new StateSnapshot(new Snapshot(
                _lastIndex,
                new Dictionary<string, ulong>(_indexes),
                [.. _kv.WithPrefix("").Select(e => e.Value)],
                _tombstones.WithPrefix("").ToDictionary(t => t.Key, t => t.Value),
                [.. _nodes.Values],
                [.. _services.Values.SelectMany(onNode => onNode.Values)],
                [.. _checks.Values.SelectMany(onNode => onNode.Values)]));
        }
    }

    /// <summary>Replaces the whole store with a snapshot and wakes every blocking query.</summary>
    public async Task RestoreSnapshotAsync(Stream source, CancellationToken cancellationToken = default) =>
        Restore(await JsonSerializer.DeserializeAsync<Snapshot>(source, StateJson.Options, cancellationToken).ConfigureAwait(false));

    /// <summary>Replaces the whole store with a snapshot and wakes every blocking query.</summary>
    public void RestoreSnapshot(Stream source) => Restore(JsonSerializer.Deserialize<Snapshot>(source, StateJson.Options));

    private void Restore(Snapshot? snapshot)
    {
        if (snapshot is null)
        {
            throw new InvalidDataException("The snapshot is empty.");
        }
        lock (_gate)
        {
            _lastIndex = snapshot.Index;
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
        }
        _watches.NotifyAll();
    }

    /// <summary>The store as it was when captured.</summary>
    public sealed class StateSnapshot
    {
        private readonly Snapshot _state;

        internal StateSnapshot(Snapshot state) => _state = state;

        public void WriteTo(Stream destination) => JsonSerializer.Serialize(destination, _state, StateJson.Options);
    }

    internal sealed record Snapshot(
        ulong Index,
        Dictionary<string, ulong> Indexes,
        List<KvEntry> Kv,
        Dictionary<string, ulong> Tombstones,
        List<CatalogNode> Nodes,
        List<CatalogService> Services,
        List<CatalogCheck> Checks);
}
