namespace Mesh.Server.State;

public sealed partial class StateStore
{
    private const string KvTable = "kvs";

    private readonly PrefixIndex<KvEntry> _kv = new();

    // Index of each deleted key's deletion, so that a recursive read's index still moves when a key under
    // its prefix disappears (Consul's tombstones).
    private readonly PrefixIndex<ulong> _tombstones = new();

    private ApplyResult ApplyKvSet(KvSet set, ulong index, ChangeSet changes)
    {
        _kv.TryGetValue(set.Key, out var existing);
        if (set.Cas is { } cas && (cas == 0 ? existing is not null : existing?.ModifyIndex != cas))
        {
            return new ApplyResult(index, Succeeded: false);
        }

        var entry = existing is null
            ? new KvEntry(set.Key, set.Value, set.Flags, Session: null, LockIndex: 0, CreateIndex: index, ModifyIndex: index)
            : existing with { Value = set.Value, Flags = set.Flags, ModifyIndex = index };
        _kv.Set(set.Key, entry);
        _tombstones.Remove(set.Key);
        KvChanged(set.Key, index, changes);
        return new ApplyResult(index, Succeeded: true);
    }

    private ApplyResult ApplyKvDelete(KvDelete delete, ulong index, ChangeSet changes)
    {
        if (delete.Recurse)
        {
            foreach (var key in _kv.WithPrefix(delete.Key).Select(e => e.Key).ToList())
            {
                RemoveKey(key, index, changes);
            }
            return new ApplyResult(index, Succeeded: true);
        }

        if (!_kv.TryGetValue(delete.Key, out var existing))
        {
            // Deleting what is not there succeeds, with or without a CAS index (as Consul answers).
            return new ApplyResult(index, Succeeded: true);
        }
        if (delete.Cas is { } cas && existing.ModifyIndex != cas)
        {
            return new ApplyResult(index, Succeeded: false);
        }
        RemoveKey(delete.Key, index, changes);
        return new ApplyResult(index, Succeeded: true);
    }

    private void RemoveKey(string key, ulong index, ChangeSet changes)
    {
        _kv.Remove(key);
        _tombstones.Set(key, index);
        KvChanged(key, index, changes);
    }

    private void KvChanged(string key, ulong index, ChangeSet changes)
    {
        BumpTable(KvTable, index);
        changes.Add(WatchKey.KvKey(key));
        // Every prefix of the key, the empty one included, may have a recursive watcher.
        for (var length = 0; length <= key.Length; length++)
        {
            changes.Add(WatchKey.KvPrefix(key[..length]));
        }
    }
}
