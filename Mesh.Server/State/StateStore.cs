namespace Mesh.Server.State;

/// <summary>
/// The replicated state machine: KV, nodes, services, checks and sessions under one global index.
/// Every change goes through <see cref="Apply"/>, which is deterministic (no clocks, no randomness), so that
/// replicas applying the same commands in the same order hold the same state. Reads run under the same lock
/// and record what they touched, so blocking queries wake only on writes that affect them.
/// </summary>
public sealed partial class StateStore(TimeProvider timeProvider)
{
    private readonly Lock _gate = new();
    private readonly WatchRegistry _watches = new();
    private readonly Dictionary<string, ulong> _indexes = new(StringComparer.Ordinal);
    private ulong _lastIndex;

    public StateStore() : this(TimeProvider.System)
    {
    }

    /// <summary>The index of the last applied command.</summary>
    public ulong LastIndex
    {
        get
        {
            lock (_gate)
            {
                return _lastIndex;
            }
        }
    }

    /// <summary>How many blocking queries are waiting now.</summary>
    public int WaitingQueries => _watches.Count;

    /// <summary>
    /// Applies one command. <paramref name="index"/> is the log index it was committed at (Raft);
    /// without one (dev mode) the next index is taken. Failed conditions and rejections still use the index,
    /// as a committed Raft entry does.
    /// </summary>
    public ApplyResult Apply(StateCommand command, ulong? index = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        var changes = new ChangeSet();
        ApplyResult result;
        lock (_gate)
        {
            var at = index ?? _lastIndex + 1;
            if (at <= _lastIndex)
            {
                throw new InvalidOperationException($"Index {at} was already applied (last {_lastIndex}).");
            }
            result = command switch
            {
                KvSet set => ApplyKvSet(set, at, changes),
                KvDelete delete => ApplyKvDelete(delete, at, changes),
                CatalogRegister register => ApplyRegister(register, at, changes),
                CatalogDeregister deregister => ApplyDeregister(deregister, at, changes),
                CheckStatusUpdate update => ApplyCheckStatus(update, at, changes),
                StateRestore restore => ApplyRestore(restore, at, changes),
                Intentions.IntentionApply intention => ApplyIntention(intention, at, changes),
                ConnectCa.ConnectCaSetRoot set => ApplyConnectCaSetRoot(set, at, changes),
                ConnectCa.ConnectCaSetConfig set => ApplyConnectCaSetConfig(set, at, changes),
                Txn.TxnApply txn => ApplyTxn(txn, at, changes),
                Sessions.SessionCreate create => ApplySessionCreate(create, at, changes),
                Sessions.SessionDestroy destroy => ApplySessionDestroy(destroy, at, changes),
                Sessions.SessionRenew renew => ApplySessionRenew(renew, at, changes),
                Sessions.KvLock acquire => ApplyKvLock(acquire, at, changes),
                Sessions.KvUnlock release => ApplyKvUnlock(release, at, changes),
                PreparedQueries.PreparedQueryApply query => ApplyPreparedQuery(query, at, changes),
                _ => throw new ArgumentException($"Unknown command {command.GetType().Name}.", nameof(command)),
            };
            _lastIndex = at;
        }
        if (changes.Everything)
        {
            _watches.NotifyAll();
        }
        else
        {
            _watches.Notify(changes.Keys);
        }
        return result;
    }

    private ulong TableIndex(string table) => _indexes.GetValueOrDefault(table);

    private void BumpTable(string table, ulong index) => _indexes[table] = index;

    /// <summary>What one command changed: the watch keys to notify once the lock is released.</summary>
    private sealed class ChangeSet
    {
        public HashSet<WatchKey> Keys { get; } = [];

        /// <summary>The whole store was replaced: every blocking query wakes.</summary>
        public bool Everything { get; set; }

        /// <summary>Set by a transaction: the KV rows as they were before it, to put back if it fails.</summary>
        public Txn.KvUndoLog? KvUndo { get; init; }

        public void Add(WatchKey key) => Keys.Add(key);
    }
}
