namespace Mesh.Server.State;

// The KV writes, shared by the single-key commands (PUT/DELETE /v1/kv) and transactions (PUT /v1/txn).
public sealed partial class StateStore
{
    private const string KvTable = "kvs";

    private readonly PrefixIndex<KvEntry> _kv = new();

    // Index of each deleted key's deletion, so that a recursive read's index still moves when a key under
    // its prefix disappears (Consul's tombstones).
    private readonly PrefixIndex<ulong> _tombstones = new();

    private ApplyResult ApplyKvSet(KvSet set, ulong index, ChangeSet changes) =>
        new(index, Succeeded: SetKv(set.Key, set.Value, set.Flags, set.Cas, index, changes) is not null);

    private ApplyResult ApplyKvDelete(KvDelete delete, ulong index, ChangeSet changes)
    {
        if (delete.Recurse)
        {
            DeleteKvTree(delete.Key, index, changes);
            return new ApplyResult(index, Succeeded: true);
        }
        return new ApplyResult(index, Succeeded: DeleteKv(delete.Key, delete.Cas, index, changes));
    }

    /// <summary>
    /// Writes a value, keeping the key's lock (session and lock index). <paramref name="cas"/>: 0 = only if
    /// absent, N = only if ModifyIndex is N. Null when that condition did not hold; the stored entry otherwise.
    /// </summary>
    private KvEntry? SetKv(string key, byte[]? value, ulong flags, ulong? cas, ulong index, ChangeSet changes)
    {
        _kv.TryGetValue(key, out var existing);
        if (cas is { } expected && (expected == 0 ? existing is not null : existing?.ModifyIndex != expected))
        {
            return null;
        }
        var entry = existing is null
            ? new KvEntry(key, value, flags, Session: null, LockIndex: 0, CreateIndex: index, ModifyIndex: index)
            : existing with { Value = value, Flags = flags, ModifyIndex = index };
        PutKv(entry, index, changes);
        return entry;
    }

    /// <summary>
    /// Writes a value and takes the key's lock for <paramref name="session"/> (Consul's kvsLockTxn; the caller
    /// has checked that the session exists). Null when another session holds the lock.
    /// </summary>
    private KvEntry? LockKv(string key, byte[]? value, ulong flags, string session, ulong index, ChangeSet changes)
    {
        _kv.TryGetValue(key, out var existing);
        if (existing is { Session: { Length: > 0 } holder } && !string.Equals(holder, session, StringComparison.Ordinal))
        {
            return null;
        }
        // Re-acquiring a held lock keeps its lock index; a new acquisition counts one more.
        var lockIndex = existing is null ? 1
            : string.Equals(existing.Session, session, StringComparison.Ordinal) ? existing.LockIndex
            : existing.LockIndex + 1;
        var entry = new KvEntry(key, value, flags, session, lockIndex, existing?.CreateIndex ?? index, index);
        PutKv(entry, index, changes);
        return entry;
    }

    /// <summary>Writes a value and releases the key's lock (Consul's kvsUnlockTxn). Null unless <paramref name="session"/> holds it.</summary>
    private KvEntry? UnlockKv(string key, byte[]? value, ulong flags, string session, ulong index, ChangeSet changes)
    {
        if (!_kv.TryGetValue(key, out var existing) || !string.Equals(existing.Session, session, StringComparison.Ordinal))
        {
            return null;
        }
        var entry = new KvEntry(key, value, flags, Session: null, existing.LockIndex, existing.CreateIndex, index);
        PutKv(entry, index, changes);
        return entry;
    }

    /// <summary>Deletes a key; with <paramref name="cas"/>, only at that ModifyIndex (false otherwise).</summary>
    private bool DeleteKv(string key, ulong? cas, ulong index, ChangeSet changes)
    {
        if (!_kv.TryGetValue(key, out var existing))
        {
            // Deleting what is not there succeeds, with or without a CAS index (as Consul answers).
            return true;
        }
        if (cas is { } expected && existing.ModifyIndex != expected)
        {
            return false;
        }
        RemoveKey(key, index, changes);
        return true;
    }

    private void DeleteKvTree(string prefix, ulong index, ChangeSet changes)
    {
        foreach (var key in _kv.WithPrefix(prefix).Select(e => e.Key).ToList())
        {
            RemoveKey(key, index, changes);
        }
    }

    private void PutKv(KvEntry entry, ulong index, ChangeSet changes)
    {
        changes.KvUndo?.Remember(entry.Key);
        _kv.Set(entry.Key, entry);
        _tombstones.Remove(entry.Key);
        KvChanged(entry.Key, index, changes);
    }

    private void RemoveKey(string key, ulong index, ChangeSet changes)
    {
        changes.KvUndo?.Remember(key);
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
