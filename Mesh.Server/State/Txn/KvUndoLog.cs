namespace Mesh.Server.State.Txn;

/// <summary>
/// The KV rows a transaction touched as they were before it, so that a transaction with a failed operation
/// leaves the store exactly as it found it (Consul aborts its memdb transaction; our tables are plain maps).
/// </summary>
internal sealed class KvUndoLog(PrefixIndex<KvEntry> kv, PrefixIndex<ulong> tombstones)
{
    private readonly Dictionary<string, (KvEntry? Entry, ulong? Tombstone)> _before = new(StringComparer.Ordinal);

    /// <summary>Called before <paramref name="key"/> changes; only its first state is kept.</summary>
    public void Remember(string key)
    {
        if (!_before.ContainsKey(key))
        {
            _before[key] = (kv.TryGetValue(key, out var entry) ? entry : null, tombstones.TryGetValue(key, out var at) ? at : null);
        }
    }

    public void Restore()
    {
        foreach (var (key, (entry, tombstone)) in _before)
        {
            if (entry is null)
            {
                kv.Remove(key);
            }
            else
            {
                kv.Set(key, entry);
            }
            if (tombstone is { } at)
            {
                tombstones.Set(key, at);
            }
            else
            {
                tombstones.Remove(key);
            }
        }
    }
}
