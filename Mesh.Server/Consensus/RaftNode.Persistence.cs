namespace Mesh.Server.Consensus;

public sealed partial class RaftNode
{
    private readonly List<QueuedMessage> _queued = [];
    private InflightPersist? _inflight;
    private ulong _lastIssuedSeq;
    private ulong _completedSeq;

    // Current term/vote not yet handed to storage; once handed over, _hardStateSeq is the persist carrying them.
    private bool _hardStateDirty;
    private ulong _hardStateSeq;

    // The log is on disk through _durableIndex, and will be through _writtenIndex once the persist in flight completes.
    private ulong _durableIndex;
    private ulong _writtenIndex;

    // A reset to a snapshot (installed from the leader, or found stale at recovery) waiting for the next persist.
    private SnapshotMetadata? _resetToIssue;
    private bool _restoreOnReset;

    // Highest index handed to the apply queue.
    private ulong _applyEmitted;

    /// <summary>A snapshot install is not durable yet: no applying, no campaigning, no second install meanwhile.</summary>
    private bool ResetPending => _resetToIssue is not null || _inflight?.Reset is not null;

    /// <summary>Sends now, or once the state it depends on is durable: the hard state, and the log through <paramref name="ackIndex"/>.</summary>
    private void Send(RaftMessage message, ulong ackIndex = 0)
    {
        ulong required = 0;
        if (_hardStateDirty)
        {
            required = _lastIssuedSeq + 1;
        }
        else if (_hardStateSeq > _completedSeq)
        {
            required = _hardStateSeq;
        }
        if (ackIndex > _durableIndex)
        {
            var covering = _inflight is not null && _inflight.LastIndex >= ackIndex ? _inflight.Sequence : _lastIssuedSeq + 1;
            required = Math.Max(required, covering);
        }
        if (required == 0)
        {
            _actions.Add(new Send(message));
        }
        else
        {
            _queued.Add(new QueuedMessage(message, required, ackIndex));
        }
    }

    /// <summary>Hands everything not yet on its way to storage to one persist (group commit), unless one is in flight.</summary>
    private void FlushPersist()
    {
        if (_inflight is not null)
        {
            return;
        }
        var hasEntries = _writtenIndex < _log.LastIndex;
        if (!_hardStateDirty && !hasEntries && _resetToIssue is null)
        {
            return;
        }
        var entries = hasEntries
            ? _log.Slice(_writtenIndex + 1, _log.LastIndex, int.MaxValue, long.MaxValue)
            : [];
        var sequence = ++_lastIssuedSeq;
        _actions.Add(new Persist(sequence, _hardStateDirty ? new HardState(Term, VotedFor) : null, _resetToIssue, entries));
        _inflight = new InflightPersist(sequence, _log.LastIndex, _resetToIssue, _restoreOnReset);
        if (_hardStateDirty)
        {
            _hardStateDirty = false;
            _hardStateSeq = sequence;
        }
        _resetToIssue = null;
        _writtenIndex = _log.LastIndex;
    }

    private void OnPersistCompleted(ulong sequence)
    {
        if (_inflight is null || _inflight.Sequence != sequence)
        {
            return;
        }
        var done = _inflight;
        _inflight = null;
        _completedSeq = sequence;
        _durableIndex = done.LastIndex;
        if (done.Reset is not null)
        {
            Snapshot = done.Reset;
            if (done.Restore)
            {
                _actions.Add(new RestoreSnapshot(done.Reset));
                _applyEmitted = done.Reset.Index;
            }
        }
        var ready = _queued.Where(q => q.Sequence <= sequence).ToList();
        if (ready.Count > 0)
        {
            _queued.RemoveAll(q => q.Sequence <= sequence);
            _actions.AddRange(ready.Select(q => new Send(q.Message)));
        }
        if (Role == RaftRole.Leader)
        {
            MaybeCommit();
        }
    }

    /// <summary>Entries from <paramref name="index"/> on were replaced in memory: what storage holds there no longer counts.</summary>
    private void ForgetUnwrittenFrom(ulong index)
    {
        _writtenIndex = Math.Min(_writtenIndex, index - 1);
        _durableIndex = Math.Min(_durableIndex, index - 1);
        if (_inflight is not null)
        {
            _inflight.LastIndex = Math.Min(_inflight.LastIndex, index - 1);
        }
        // Acknowledgements of the replaced entries would now be lies.
        _queued.RemoveAll(q => q.AckIndex >= index);
    }

    private sealed record QueuedMessage(RaftMessage Message, ulong Sequence, ulong AckIndex);

    private sealed class InflightPersist(ulong sequence, ulong lastIndex, SnapshotMetadata? reset, bool restore)
    {
        public ulong Sequence { get; } = sequence;

        public ulong LastIndex { get; set; } = lastIndex;

        public SnapshotMetadata? Reset { get; } = reset;

        public bool Restore { get; } = restore;
    }
}
