namespace Mesh.Server.Consensus;

public sealed partial class RaftNode
{
    private readonly Dictionary<string, Progress> _progress = new(StringComparer.Ordinal);
    private readonly List<Progress> _followers = [];
    private int _heartbeatElapsed;

    /// <summary>Index of the leader's no-op: once committed, every entry of earlier terms is known committed.</summary>
    private ulong _termStartIndex;

    private bool CommittedInTerm => Role == RaftRole.Leader && CommitIndex >= _termStartIndex;

    private void BecomeLeader()
    {
        Role = RaftRole.Leader;
        LeaderId = Id;
        _votes.Clear();
        _heartbeatElapsed = 0;
        _electionElapsed = 0;
        _progress.Clear();
        SyncProgress();
        _termStartIndex = _log.LastIndex + 1;
        StartRound();
        AppendLocal(EntryKind.NoOp, []);
        BroadcastAppend();
        MaybeCommit();
    }

    private void LeaveLeadership()
    {
        _progress.Clear();
        _followers.Clear();
        _transferTarget = null;
        _timeoutNowSent = false;
        FailPendingReads();
    }

    private void TickLeader()
    {
        _heartbeatElapsed++;
        _electionElapsed++;
        if (_transferTarget is not null && ++_transferElapsed >= _options.ElectionTicks)
        {
            _transferTarget = null;
        }
        if (_electionElapsed >= _options.ElectionTicks)
        {
            _electionElapsed = 0;
            if (_options.CheckQuorum && !QuorumActive())
            {
                BecomeFollower(Term, null);
                return;
            }
            foreach (var progress in _progress.Values)
            {
                progress.RecentActive = false;
            }
        }
        if (_heartbeatElapsed >= _options.HeartbeatTicks)
        {
            _heartbeatElapsed = 0;
            StartRound();
            BroadcastHeartbeat();
        }
        TickSnapshotTransfers();
        MaybePromote();
    }

    private bool QuorumActive()
    {
        var configuration = Configuration;
        var active = configuration.Voters.Count(v => v == Id || (_progress.TryGetValue(v, out var p) && p.RecentActive));
        return active >= configuration.Quorum;
    }

    /// <summary>Followers are the members of the latest and of the committed configuration, so a removed server still learns of its removal.</summary>
    private void SyncProgress()
    {
        var wanted = Configuration.Members.Select(m => m.Id)
            .Union(_configurations.At(CommitIndex).Members.Select(m => m.Id))
            .Where(id => id != Id)
            .ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _progress.Keys.Where(id => !wanted.Contains(id)).ToList())
        {
            _progress.Remove(gone);
        }
        foreach (var id in wanted.Where(id => !_progress.ContainsKey(id)))
        {
            _progress[id] = new Progress(id, _log.LastIndex + 1);
        }
        _followers.Clear();
        _followers.AddRange(_progress.Values.OrderBy(p => p.Id, StringComparer.Ordinal));
    }

    /// <summary>In id order, so that runs are reproducible.</summary>
    private List<Progress> Followers => _followers;

    /// <summary>On the leader: the last index known to match on each follower (for replication lag); empty otherwise.</summary>
    public IReadOnlyDictionary<string, ulong> FollowerMatches() =>
        Role == RaftRole.Leader ? _followers.ToDictionary(p => p.Id, p => p.Match, StringComparer.Ordinal) : new Dictionary<string, ulong>();

    private void BroadcastAppend()
    {
        foreach (var progress in Followers)
        {
            SendAppends(progress, sendIfEmpty: progress.State != ProgressState.Replicate || progress.InflightCount == 0);
        }
    }

    private void BroadcastHeartbeat()
    {
        foreach (var progress in Followers)
        {
            Send(new HeartbeatRequest(Id, progress.Id, Term, Math.Min(progress.Match, CommitIndex), _round));
        }
    }

    /// <summary>Sends as many appends as flow control allows (one while probing).</summary>
    private void SendAppends(Progress progress, bool sendIfEmpty)
    {
        while (SendAppend(progress, sendIfEmpty))
        {
            sendIfEmpty = false;
        }
    }

    private bool SendAppend(Progress progress, bool sendIfEmpty)
    {
        switch (progress.State)
        {
            case ProgressState.Snapshot:
            case ProgressState.Probe when progress.ProbeSent:
            case ProgressState.Replicate when progress.InflightCount >= _options.MaxInflightAppends:
                return false;
        }
        var prevIndex = progress.Next - 1;
        if (_log.TermAt(prevIndex) is not { } prevTerm)
        {
            StartSnapshotTransfer(progress);
            return false;
        }
        var entries = progress.Next <= _log.LastIndex
            ? _log.Slice(progress.Next, _log.LastIndex, _options.MaxEntriesPerAppend, _options.MaxBytesPerAppend)
            : [];
        if (entries.Count == 0 && !sendIfEmpty)
        {
            return false;
        }
        Send(new AppendRequest(Id, progress.Id, Term, prevIndex, prevTerm, entries, CommitIndex, _round));
        if (progress.State == ProgressState.Probe)
        {
            progress.ProbeSent = true;
        }
        else if (entries.Count > 0)
        {
            progress.Next = entries[^1].Index + 1;
            progress.AddInflight(entries[^1].Index);
        }
        return entries.Count > 0;
    }

    private void OnAppendRequest(AppendRequest request)
    {
        AcceptLeader(request.From);
        if (request.PrevLogIndex < CommitIndex)
        {
            // Everything through our commit index matches any leader's log; say so and let it continue from there.
            Send(new AppendResponse(Id, request.From, Term, true, CommitIndex, 0, 0, request.Round), CommitIndex);
            return;
        }
        if (_log.TermAt(request.PrevLogIndex) != request.PrevLogTerm)
        {
            var hintIndex = FindConflictByTerm(Math.Min(request.PrevLogIndex, _log.LastIndex), request.PrevLogTerm);
            var hintTerm = _log.TermAt(hintIndex) ?? 0;
            Send(new AppendResponse(Id, request.From, Term, false, request.PrevLogIndex, hintIndex, hintTerm, request.Round));
            return;
        }
        foreach (var entry in request.Entries)
        {
            if (entry.Index <= _log.LastIndex)
            {
                if (_log.TermAt(entry.Index) == entry.Term)
                {
                    continue;
                }
                if (entry.Index <= CommitIndex)
                {
                    throw new InvalidOperationException(
                        $"Leader {request.From} sent entry {entry} conflicting with committed index {CommitIndex}.");
                }
                TruncateLog(entry.Index);
            }
            AppendToLog(entry, _configurations);
        }
        var lastNew = request.PrevLogIndex + (ulong)request.Entries.Count;
        var commit = Math.Min(request.LeaderCommit, lastNew);
        if (commit > CommitIndex)
        {
            CommitIndex = commit;
        }
        Send(new AppendResponse(Id, request.From, Term, true, lastNew, 0, 0, request.Round), lastNew);
    }

    /// <summary>The largest index at or below <paramref name="index"/> whose term is at most <paramref name="term"/> (etcd's fast backtracking).</summary>
    private ulong FindConflictByTerm(ulong index, ulong term)
    {
        if (index < _log.BaseIndex)
        {
            return index;
        }
        for (var i = index; i > _log.BaseIndex; i--)
        {
            if (_log.TermAt(i) <= term)
            {
                return i;
            }
        }
        return _log.BaseTerm <= term || _log.BaseIndex == 0 ? _log.BaseIndex : _log.BaseIndex - 1;
    }

    private void OnAppendResponse(AppendResponse response)
    {
        if (Role != RaftRole.Leader || !_progress.TryGetValue(response.From, out var progress))
        {
            return;
        }
        progress.RecentActive = true;
        Acknowledge(progress, response.Round);
        if (progress.State == ProgressState.Snapshot)
        {
            return;
        }
        if (response.Success)
        {
            if (response.Index > progress.Match)
            {
                progress.Match = response.Index;
                progress.Next = Math.Max(progress.Next, response.Index + 1);
                progress.FreeInflightThrough(response.Index);
                if (progress.State == ProgressState.Probe)
                {
                    progress.BecomeReplicate();
                }
                MaybeCommit();
                if (Role != RaftRole.Leader)
                {
                    return;
                }
                MaybeSendTimeoutNow(progress);
                MaybePromote();
            }
            SendAppends(progress, sendIfEmpty: false);
            return;
        }
        if (progress.State == ProgressState.Replicate)
        {
            if (response.Index <= progress.Match)
            {
                return;
            }
            progress.BecomeProbe();
            progress.Next = progress.Match + 1;
        }
        else
        {
            if (response.Index != progress.Next - 1)
            {
                return;
            }
            var next = Math.Min(response.Index, FindConflictByTerm(response.HintIndex, response.HintTerm) + 1);
            progress.Next = Math.Max(next, progress.Match + 1);
            progress.ProbeSent = false;
        }
        SendAppends(progress, sendIfEmpty: true);
    }

    private void OnHeartbeat(HeartbeatRequest request)
    {
        AcceptLeader(request.From);
        var commit = Math.Min(request.Commit, _log.LastIndex);
        if (commit > CommitIndex)
        {
            CommitIndex = commit;
        }
        Send(new HeartbeatResponse(Id, request.From, Term, request.Round));
    }

    private void OnHeartbeatResponse(HeartbeatResponse response)
    {
        if (Role != RaftRole.Leader || !_progress.TryGetValue(response.From, out var progress))
        {
            return;
        }
        progress.RecentActive = true;
        Acknowledge(progress, response.Round);
        if (progress.State == ProgressState.Probe)
        {
            progress.ProbeSent = false;
        }
        else if (progress.State == ProgressState.Replicate && progress.InflightCount >= _options.MaxInflightAppends)
        {
            progress.FreeFirstInflight();
        }
        if (progress.Match < _log.LastIndex)
        {
            SendAppends(progress, sendIfEmpty: true);
        }
    }

    /// <summary>Raft §5.3/§5.4.2: commit the highest index durable on a quorum of voters, if it is of the current term.</summary>
    private void MaybeCommit()
    {
        var configuration = Configuration;
        var voters = configuration.Voters;
        Span<ulong> matches = stackalloc ulong[voters.Count];
        for (var i = 0; i < voters.Count; i++)
        {
            matches[i] = voters[i] == Id ? _durableIndex : _progress.TryGetValue(voters[i], out var p) ? p.Match : 0;
        }
        matches.Sort();
        // The highest index that a quorum holds: the quorum-th largest.
        var quorumMatch = matches[voters.Count - configuration.Quorum];
        if (quorumMatch <= CommitIndex || _log.TermAt(quorumMatch) != Term)
        {
            return;
        }
        var previousCommitted = _configurations.At(CommitIndex);
        CommitIndex = quorumMatch;
        if (_configurations.At(CommitIndex) != previousCommitted)
        {
            SyncProgress();
        }
        if (!configuration.IsVoter(Id) && !_configurations.At(CommitIndex).IsVoter(Id))
        {
            // Raft §4.2.2: a leader removed from the cluster steps down once its removal is committed.
            BecomeFollower(Term, null);
            return;
        }
        ServeReadsAwaitingCommit();
        MaybePromote();
        BroadcastAppend();
    }

    private void TruncateLog(ulong index)
    {
        _log.TruncateFrom(index);
        _configurations.TruncateFrom(index);
        ForgetUnwrittenFrom(index);
    }

    private void ApplyCommitted()
    {
        if (ResetPending)
        {
            return;
        }
        var target = Math.Min(CommitIndex, _durableIndex);
        if (target <= _applyEmitted)
        {
            return;
        }
        _actions.Add(new ApplyEntries(_log.Slice(_applyEmitted + 1, target, int.MaxValue, long.MaxValue)));
        _applyEmitted = target;
    }

    private void OnApplyCompleted(ulong index)
    {
        if (index > AppliedIndex && index <= _applyEmitted)
        {
            AppliedIndex = index;
            MaybeTakeSnapshot();
        }
    }
}
