namespace Mesh.Server.Consensus;

public sealed partial class RaftNode
{
    private bool _snapshotInProgress;

    // The snapshot being received from the leader and how many bytes of it were stored.
    private SnapshotMetadata? _receiving;
    private long _receivedBytes;

    /// <summary>Asks the host for a snapshot once enough entries were applied since the last one.</summary>
    private void MaybeTakeSnapshot()
    {
        var last = Snapshot?.Index ?? 0;
        if (_snapshotInProgress || ResetPending || AppliedIndex < last + _options.SnapshotThreshold)
        {
            return;
        }
        // Queued behind every apply handed out so far, so the state machine is exactly at _applyEmitted then.
        var term = _log.TermAt(_applyEmitted) ?? throw new InvalidOperationException($"Applied index {_applyEmitted} is not in the log.");
        _snapshotInProgress = true;
        _actions.Add(new TakeSnapshot(new SnapshotMetadata(_applyEmitted, term, _configurations.At(_applyEmitted))));
    }

    private void OnSnapshotTaken(SnapshotMetadata snapshot)
    {
        _snapshotInProgress = false;
        var previous = Snapshot;
        if (previous is not null && snapshot.Index <= previous.Index)
        {
            return;
        }
        Snapshot = snapshot;
        _configurations.PruneBefore(snapshot.Index);
        // Keep a trailing window so a briefly lagging follower catches up from the log, not from a snapshot.
        var newBase = snapshot.Index > _options.TrailingLogs ? snapshot.Index - _options.TrailingLogs : 0;
        if (newBase > _log.BaseIndex)
        {
            _log.CompactThrough(newBase);
            _actions.Add(new CompactLog(newBase));
        }
        // The host keeps the two newest snapshots; transfers of anything older start over with this one.
        foreach (var progress in Followers.Where(p => p.State == ProgressState.Snapshot && p.PendingSnapshot!.Index < (previous?.Index ?? 0)))
        {
            StartSnapshotTransfer(progress);
        }
        // Entries applied while this one was written may already call for the next.
        MaybeTakeSnapshot();
    }

    private void StartSnapshotTransfer(Progress progress)
    {
        var snapshot = Snapshot ?? throw new InvalidOperationException("The log was compacted without a snapshot.");
        progress.BecomeSnapshot(snapshot);
        RequestChunk(progress);
    }

    private void RequestChunk(Progress progress)
    {
        progress.SnapshotStallTicks = 0;
        _actions.Add(new ReadSnapshotChunk(progress.Id, progress.PendingSnapshot!, progress.SnapshotOffset, _options.SnapshotChunkBytes));
    }

    private void TickSnapshotTransfers()
    {
        // A chunk or its answer may have been lost: ask again after an election timeout without progress.
        foreach (var progress in Followers.Where(p => p.State == ProgressState.Snapshot))
        {
            if (++progress.SnapshotStallTicks >= _options.ElectionTicks)
            {
                RequestChunk(progress);
            }
        }
    }

    private void OnSnapshotChunkRead(SnapshotChunkRead chunk)
    {
        if (Role != RaftRole.Leader
            || !_progress.TryGetValue(chunk.Peer, out var progress)
            || progress.State != ProgressState.Snapshot
            || progress.PendingSnapshot!.Index != chunk.SnapshotIndex
            || progress.SnapshotOffset != chunk.Offset)
        {
            return;
        }
        Send(new SnapshotRequest(Id, progress.Id, Term, progress.PendingSnapshot, chunk.Offset, chunk.Data, chunk.Last));
    }

    private void OnSnapshotResponse(SnapshotResponse response)
    {
        if (Role != RaftRole.Leader || !_progress.TryGetValue(response.From, out var progress))
        {
            return;
        }
        progress.RecentActive = true;
        if (progress.State != ProgressState.Snapshot || progress.PendingSnapshot!.Index != response.SnapshotIndex)
        {
            return;
        }
        if (response.Done)
        {
            progress.Match = Math.Max(progress.Match, response.SnapshotIndex);
            progress.BecomeProbe();
            SendAppends(progress, sendIfEmpty: true);
            return;
        }
        // The follower says where it is; believe it even when it went back (it lost or restarted its copy):
        // ignoring that would leave both waiting for each other. A stale answer only costs a resent chunk.
        progress.SnapshotOffset = response.NextOffset;
        RequestChunk(progress);
    }

    private void OnSnapshotRequest(SnapshotRequest request)
    {
        AcceptLeader(request.From);
        var snapshot = request.Snapshot;
        if (ResetPending)
        {
            // The previous install is not durable yet; the leader retries when it stalls.
            return;
        }
        if (snapshot.Index <= CommitIndex || _log.TermAt(snapshot.Index) == snapshot.Term)
        {
            // We already hold everything it covers; entries through a leader's snapshot are committed.
            _receiving = null;
            CommitIndex = Math.Max(CommitIndex, snapshot.Index);
            Send(new SnapshotResponse(Id, request.From, Term, snapshot.Index, 0, true), snapshot.Index);
            return;
        }
        if (request.Offset == 0)
        {
            _receiving = snapshot;
            _receivedBytes = 0;
        }
        if (!snapshot.SameAs(_receiving) || request.Offset != _receivedBytes)
        {
            var expected = snapshot.SameAs(_receiving) ? _receivedBytes : 0;
            Send(new SnapshotResponse(Id, request.From, Term, snapshot.Index, expected, false));
            return;
        }
        _actions.Add(new SaveSnapshotChunk(snapshot, request.Offset, request.Data));
        _receivedBytes += request.Data.Length;
        if (!request.Last)
        {
            Send(new SnapshotResponse(Id, request.From, Term, snapshot.Index, _receivedBytes, false));
            return;
        }
        _receiving = null;
        InstallSnapshot(snapshot);
        Send(new SnapshotResponse(Id, request.From, Term, snapshot.Index, 0, true), snapshot.Index);
    }

    /// <summary>Replaces the whole log by the snapshot; storage follows with the next persist, then the state machine.</summary>
    private void InstallSnapshot(SnapshotMetadata snapshot)
    {
        _log.Reset(snapshot.Index, snapshot.Term);
        _configurations.Reset(snapshot.Index, snapshot.Configuration);
        CommitIndex = Math.Max(CommitIndex, snapshot.Index);
        _resetToIssue = snapshot;
        _restoreOnReset = true;
        _writtenIndex = snapshot.Index;
        // Only what was already applied (committed, so identical everywhere) still counts as durable until then.
        _durableIndex = Math.Min(_durableIndex, _applyEmitted);
        if (_inflight is not null)
        {
            _inflight.LastIndex = Math.Min(_inflight.LastIndex, _applyEmitted);
        }
        _queued.RemoveAll(q => q.AckIndex > _applyEmitted);
    }
}
