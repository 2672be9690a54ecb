namespace Mesh.Server.Consensus;

public sealed partial class RaftNode
{
    // Heartbeat rounds of this leadership and the tick each started at; followers echo the round they saw.
    private readonly List<(ulong Round, long Tick)> _rounds = [];
    private readonly List<PendingRead> _pendingReads = [];
    private readonly List<ReadRequest> _readsAwaitingCommit = [];
    private ulong _round;

    /// <summary>
    /// The leader lease: a quorum answered a round started less than <see cref="RaftOptions.LeaseTicks"/> ago.
    /// Those voters refuse other candidates for an election timeout after hearing from us, so no other leader
    /// can exist yet. Not trusted while (or after) handing leadership over.
    /// </summary>
    public bool LeaseValid
    {
        get
        {
            if (!CommittedInTerm || _transferTarget is not null || _timeoutNowSent || _options.LeaseTicks == 0 || !_options.CheckQuorum)
            {
                return false;
            }
            var round = QuorumRound();
            var index = _rounds.FindIndex(r => r.Round == round);
            return index >= 0 && _now - _rounds[index].Tick < _options.LeaseTicks;
        }
    }

    private void StartRound()
    {
        // A round older than the lease can never make it valid again; forgetting it keeps the list short.
        while (_rounds.Count > 0 && _now - _rounds[0].Tick >= _options.LeaseTicks)
        {
            _rounds.RemoveAt(0);
        }
        _round++;
        _rounds.Add((_round, _now));
    }

    private void OnRead(ReadRequest read)
    {
        if (Role != RaftRole.Leader)
        {
            Reject(read.RequestId, RejectReason.NotLeader);
            return;
        }
        if (!CommittedInTerm)
        {
            // Until the no-op commits, this leader's commit index may lag behind writes acknowledged before it.
            _readsAwaitingCommit.Add(read);
            return;
        }
        ServeRead(read);
    }

    private void ServeRead(ReadRequest read)
    {
        if (read.Consistency == ReadConsistency.Lease && LeaseValid)
        {
            _actions.Add(new ReadReady(read.RequestId, CommitIndex));
            return;
        }
        // ReadIndex (Raft §6.4): remember the commit index, confirm leadership with a fresh round.
        StartRound();
        _pendingReads.Add(new PendingRead(read.RequestId, CommitIndex, _round));
        if (QuorumRound() >= _round)
        {
            ReleaseReads();
            return;
        }
        BroadcastHeartbeat();
    }

    private void ServeReadsAwaitingCommit()
    {
        if (_readsAwaitingCommit.Count == 0 || !CommittedInTerm)
        {
            return;
        }
        var reads = _readsAwaitingCommit.ToList();
        _readsAwaitingCommit.Clear();
        reads.ForEach(ServeRead);
    }

    private void Acknowledge(Progress progress, ulong round)
    {
        if (round <= progress.AckedRound)
        {
            return;
        }
        progress.AckedRound = round;
        ReleaseReads();
    }

    /// <summary>The newest round a quorum of voters (this leader counting as answering every round) has answered.</summary>
    private ulong QuorumRound()
    {
        var configuration = Configuration;
        var voters = configuration.Voters;
        Span<ulong> rounds = stackalloc ulong[voters.Count];
        for (var i = 0; i < voters.Count; i++)
        {
            rounds[i] = voters[i] == Id ? _round : _progress.TryGetValue(voters[i], out var p) ? p.AckedRound : 0;
        }
        rounds.Sort();
        return rounds[voters.Count - configuration.Quorum];
    }

    private void ReleaseReads()
    {
        var confirmed = QuorumRound();
        // Rounds older than the confirmed one can no longer extend the lease.
        _rounds.RemoveAll(r => r.Round < confirmed);
        var ready = _pendingReads.TakeWhile(r => r.Round <= confirmed).ToList();
        if (ready.Count == 0)
        {
            return;
        }
        _pendingReads.RemoveRange(0, ready.Count);
        _actions.AddRange(ready.Select(r => new ReadReady(r.RequestId, r.Index)));
    }

    private void FailPendingReads()
    {
        foreach (var read in _pendingReads)
        {
            Reject(read.RequestId, RejectReason.NotLeader);
        }
        foreach (var read in _readsAwaitingCommit)
        {
            Reject(read.RequestId, RejectReason.NotLeader);
        }
        _pendingReads.Clear();
        _readsAwaitingCommit.Clear();
        _rounds.Clear();
        _round = 0;
    }

    private sealed record PendingRead(long RequestId, ulong Index, ulong Round);
}
