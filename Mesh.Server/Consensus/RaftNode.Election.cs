namespace Mesh.Server.Consensus;

public sealed partial class RaftNode
{
    private readonly Dictionary<string, bool> _votes = new(StringComparer.Ordinal);
    private long _now;
    private int _electionElapsed;
    private int _randomizedElectionTimeout;

    // Starts at 0: a freshly started server behaves as if it had just heard from a leader, so a restart cannot
    // make it vote against a leader lease it acknowledged before crashing.
    private int _leaderContactElapsed;

    /// <summary>Ignores disruptive votes: the leader itself, or a follower that heard from a leader within an election timeout.</summary>
    private bool InLease =>
        _options.CheckQuorum && (Role == RaftRole.Leader || _leaderContactElapsed < _options.ElectionTicks);

    /// <summary>Ticks since this server last heard from a leader; zero on the leader (Consul's LastContact).</summary>
    public int TicksSinceLeaderContact => Role == RaftRole.Leader ? 0 : _leaderContactElapsed;

    private void ResetElectionTimer()
    {
        _electionElapsed = 0;
        _randomizedElectionTimeout = _options.ElectionTicks + _random.Next(_options.ElectionTicks);
    }

    private void OnTick()
    {
        _now++;
        if (Role == RaftRole.Leader)
        {
            TickLeader();
            return;
        }
        if (_leaderContactElapsed < int.MaxValue)
        {
            _leaderContactElapsed++;
        }
        _electionElapsed++;
        if (_electionElapsed >= _randomizedElectionTimeout)
        {
            ResetElectionTimer();
            if (IsVoter && !ResetPending)
            {
                Campaign(transfer: false);
            }
        }
    }

    private void Campaign(bool transfer)
    {
        if (_options.PreVote && !transfer)
        {
            BecomePreCandidate();
        }
        else
        {
            BecomeCandidate(transfer);
        }
    }

    private void BecomePreCandidate()
    {
        Role = RaftRole.PreCandidate;
        LeaderId = null;
        _votes.Clear();
        _votes[Id] = true;
        if (TallyVotes())
        {
            return;
        }
        foreach (var voter in Configuration.Voters.Where(v => v != Id))
        {
            Send(new VoteRequest(Id, voter, Term + 1, _log.LastIndex, _log.LastTerm, PreVote: true, Transfer: false));
        }
    }

    private void BecomeCandidate(bool transfer)
    {
        SetHardState(Term + 1, Id);
        Role = RaftRole.Candidate;
        LeaderId = null;
        _votes.Clear();
        _votes[Id] = true;
        ResetElectionTimer();
        if (TallyVotes())
        {
            return;
        }
        // Held back by Send until the new term and the self-vote are durable.
        foreach (var voter in Configuration.Voters.Where(v => v != Id))
        {
            Send(new VoteRequest(Id, voter, Term, _log.LastIndex, _log.LastTerm, PreVote: false, transfer));
        }
    }

    /// <summary>Counts votes of current voters; wins or gives up once the outcome is certain. True if it decided.</summary>
    private bool TallyVotes()
    {
        var configuration = Configuration;
        var granted = _votes.Count(v => v.Value && configuration.IsVoter(v.Key));
        var refused = _votes.Count(v => !v.Value && configuration.IsVoter(v.Key));
        if (granted >= configuration.Quorum)
        {
            if (Role == RaftRole.PreCandidate)
            {
                BecomeCandidate(transfer: false);
            }
            else
            {
                BecomeLeader();
            }
            return true;
        }
        if (refused > configuration.Voters.Count - configuration.Quorum)
        {
            BecomeFollower(Term, null);
            return true;
        }
        return false;
    }

    /// <summary>Raft §5.4.1: grant only to a candidate whose log is at least as up to date as ours.</summary>
    private bool IsUpToDate(ulong lastIndex, ulong lastTerm) =>
        lastTerm > _log.LastTerm || (lastTerm == _log.LastTerm && lastIndex >= _log.LastIndex);

    private void OnVoteRequest(VoteRequest request)
    {
        // One vote per term; none once a leader is known for this term; pre-votes for a future term are free.
        var canVote = VotedFor == request.From
            || (VotedFor is null && LeaderId is null)
            || (request.PreVote && request.Term > Term);
        if (canVote && IsUpToDate(request.LastLogIndex, request.LastLogTerm))
        {
            if (!request.PreVote)
            {
                SetHardState(Term, request.From);
                _electionElapsed = 0;
            }
            Send(new VoteResponse(Id, request.From, request.Term, true, request.PreVote));
        }
        else
        {
            Send(new VoteResponse(Id, request.From, Term, false, request.PreVote));
        }
    }

    private void OnVoteResponse(VoteResponse response)
    {
        var expected = response.PreVote
            ? Role == RaftRole.PreCandidate && (!response.Granted || response.Term == Term + 1)
            : Role == RaftRole.Candidate;
        if (!expected)
        {
            return;
        }
        _votes[response.From] = response.Granted;
        TallyVotes();
    }

    private void OnTimeoutNow(TimeoutNowRequest request)
    {
        if (Role == RaftRole.Follower && IsVoter && !ResetPending)
        {
            Campaign(transfer: true);
        }
    }
}
