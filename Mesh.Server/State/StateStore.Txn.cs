using System.Globalization;
using Mesh.Server.State.Txn;

namespace Mesh.Server.State;

// PUT /v1/txn: several operations run in order against one state at one index, all kept or none.
public sealed partial class StateStore
{
    private ApplyResult ApplyTxn(TxnApply txn, ulong index, ChangeSet changes)
    {
        // Writes land in a scratch change set that remembers what they replaced: on any failure the rows are
        // put back and no watcher is woken, as if the transaction had never run. KV operations only touch the keys
        // they name; a catalog or session operation reaches across tables (a node's removal ends its sessions, which
        // release their locks), so then the whole store is kept, as cheaply as a snapshot's capture.
        var scratch = new ChangeSet { KvUndo = new KvUndoLog(_kv, _tombstones) };
        var hadKvIndex = _indexes.TryGetValue(KvTable, out var kvIndex);
        var before = txn.Ops.All(op => op is TxnKvOp) ? null : CaptureState();
        var outcome = RunTxn(txn.Ops, index, scratch);
        if (outcome.Errors is not null)
        {
            if (before is not null)
            {
                Replace(before);
            }
            else
            {
                scratch.KvUndo.Restore();
                if (hadKvIndex)
                {
                    _indexes[KvTable] = kvIndex;
                }
                else
                {
                    _indexes.Remove(KvTable);
                }
            }
            return new ApplyResult(index, Succeeded: false) { Txn = outcome };
        }
        foreach (var key in scratch.Keys)
        {
            changes.Add(key);
        }
        return new ApplyResult(index, Succeeded: true) { Txn = outcome };
    }

    /// <summary>A transaction without writes, answered from this replica's state outside Raft (Consul's Txn.Read).</summary>
    internal TxnOutcome ReadTxn(IReadOnlyList<TxnOp> ops)
    {
        if (ops.FirstOrDefault(op => op.IsWrite) is { } write)
        {
            throw new ArgumentException($"A read-only transaction cannot {write.Verb}.", nameof(ops));
        }
        return RunTxn(ops, _lastIndex, new ChangeSet());
    }

    /// <summary>Consul's txnDispatch: every operation runs, every failure is reported, results only when none failed.</summary>
    private TxnOutcome RunTxn(IReadOnlyList<TxnOp> ops, ulong index, ChangeSet changes)
    {
        var results = new List<TxnResult>(ops.Count);
        var errors = new List<TxnError>();
        for (var i = 0; i < ops.Count; i++)
        {
            var failure = ops[i] switch
            {
                TxnKvOp kv => RunTxnKv(kv, index, changes, results),
                TxnNodeOp node => RunTxnNode(node, index, changes, results),
                TxnServiceOp service => RunTxnService(service, index, changes, results),
                TxnCheckOp check => RunTxnCheck(check, index, changes, results),
                TxnSessionOp session => RunTxnSession(session, index, changes),
                _ => throw new ArgumentException($"Unknown transaction operation {ops[i].GetType().Name}.", nameof(ops)),
            };
            if (failure is { } error)
            {
                errors.Add(new TxnError(i, error));
            }
        }
        return errors.Count > 0 ? new TxnOutcome(null, errors) : new TxnOutcome(results, null);
    }

    /// <summary>One KV operation (Consul's txnKVS): null when it held, adding its results; Consul's reason otherwise.</summary>
    private string? RunTxnKv(TxnKvOp op, ulong index, ChangeSet changes, List<TxnResult> results)
    {
        var key = op.Key;
        KvEntry? entry = null;
        string? error = null;
        switch (op.Verb)
        {
            case TxnKvOp.Set:
                entry = SetKv(key, op.Value, op.Flags, cas: null, index, changes);
                break;
            case TxnKvOp.Cas:
                entry = SetKv(key, op.Value, op.Flags, op.Index, index, changes);
                error = entry is null ? $"failed to set key {Quote(key)}, index is stale" : null;
                break;
            case TxnKvOp.Lock:
                error = LockForTxn(op, index, changes, out entry);
                break;
            case TxnKvOp.Unlock:
                if (string.IsNullOrEmpty(op.Session))
                {
                    return "missing session";
                }
                entry = UnlockKv(key, op.Value, op.Flags, op.Session, index, changes);
                error = entry is null ? $"failed to unlock key {Quote(key)}, lock isn't held, or is held by another session" : null;
                break;
            case TxnKvOp.Delete:
                DeleteKv(key, cas: null, index, changes);
                break;
            case TxnKvOp.DeleteCas:
                error = DeleteKv(key, op.Index, index, changes) ? null : $"failed to delete key {Quote(key)}, index is stale";
                break;
            case TxnKvOp.DeleteTree:
                DeleteKvTree(key, index, changes);
                break;
            case TxnKvOp.Get:
                if (!_kv.TryGetValue(key, out var found))
                {
                    return $"key {Quote(key)} doesn't exist";
                }
                // Only reads return the value; every other verb's result leaves it out.
                results.Add(new TxnResult(KV: found));
                return null;
            case TxnKvOp.GetTree:
                results.AddRange(_kv.WithPrefix(key).Select(e => new TxnResult(KV: e.Value)));
                return null;
            case TxnKvOp.CheckIndex:
                if (!_kv.TryGetValue(key, out entry))
                {
                    return $"failed to check index, key {Quote(key)} doesn't exist";
                }
                error = entry.ModifyIndex == op.Index ? null
                    : string.Create(CultureInfo.InvariantCulture, $"failed index check for key {Quote(key)}, current modify index {entry.ModifyIndex} != {op.Index}");
                break;
            case TxnKvOp.CheckSession:
                if (!_kv.TryGetValue(key, out entry))
                {
                    return $"failed to check session, key {Quote(key)} doesn't exist";
                }
                error = string.Equals(entry.Session ?? "", op.Session ?? "", StringComparison.Ordinal) ? null
                    : $"failed session check for key {Quote(key)}, current session {Quote(entry.Session ?? "")} != {Quote(op.Session ?? "")}";
                break;
            case TxnKvOp.CheckNotExists:
                return _kv.TryGetValue(key, out _) ? $"key {Quote(key)} exists" : null;
            default:
                return $"unknown KV verb {Quote(op.Verb)}";
        }
        if (error is null && entry is not null)
        {
            results.Add(new TxnResult(KV: entry with { Value = null }));
        }
        return error;
    }

    private string? LockForTxn(TxnKvOp op, ulong index, ChangeSet changes, out KvEntry? entry)
    {
        entry = null;
        if (string.IsNullOrEmpty(op.Session))
        {
            return "missing session";
        }
        if (!SessionExists(op.Session))
        {
            return $"invalid session {Quote(op.Session)}";
        }
        entry = LockKv(op.Key, op.Value, op.Flags, op.Session, index, changes);
        return entry is null ? $"failed to lock key {Quote(op.Key)}, lock is already held" : null;
    }

    // The one place the KV verbs consult the session table (lock; unlock and check-session compare the key's holder only).
    private bool SessionExists(string session) => _sessions.ContainsKey(session);

    /// <summary>Go's %q of a string, as Consul's error messages quote keys and sessions.</summary>
    internal static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
