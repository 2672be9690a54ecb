namespace Mesh.Server.Consensus;

/// <summary>
/// One Raft server as a pure state machine: <see cref="Step"/> takes an event (a tick, a message, a client
/// request, storage or state machine progress) and returns the actions the host must carry out. It owns no
/// thread, socket, clock or file, and its only randomness is the injected <see cref="Random"/> for election
/// timeouts, so a simulator replays it exactly.
/// Durability rules it enforces itself: a message that depends on the term or vote is released only after the
/// <see cref="Persist"/> carrying them completed, and a follower acknowledges entries only once they are
/// durable. The leader replicates in parallel with its own fsync and counts itself only once durable.
/// </summary>
public sealed partial class RaftNode
{
    private readonly RaftOptions _options;
    private readonly Random _random;
    private readonly RaftLog _log = new();
    private readonly ConfigurationHistory _configurations;
    private List<RaftAction> _actions = [];
    private RaftRole _reportedRole = RaftRole.Follower;
    private string? _reportedLeader;

    /// <summary>Starts a server from what its storage recovered; the host restored the state machine from <c>state.Snapshot</c>.</summary>
    public RaftNode(string id, RaftOptions options, PersistentState state, Random random)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(random);
        options.Validate();
        Id = id;
        _options = options;
        _random = random;
        Term = state.HardState.Term;
        VotedFor = state.HardState.VotedFor;
        _configurations = Recover(state);
        if (_log.LastTerm > Term)
        {
            throw new InvalidDataException(
                $"The log's last term {_log.LastTerm} is beyond the stored term {Term}; the storage is inconsistent.");
        }
        Snapshot = state.Snapshot;
        CommitIndex = AppliedIndex = _applyEmitted = state.Snapshot?.Index ?? 0;
        _writtenIndex = _durableIndex = _log.LastIndex;
        ResetElectionTimer();
    }

    public string Id { get; }

    public RaftRole Role { get; private set; } = RaftRole.Follower;

    public ulong Term { get; private set; }

    public string? VotedFor { get; private set; }

    public string? LeaderId { get; private set; }

    public ulong CommitIndex { get; private set; }

    /// <summary>Highest index the host reported applied.</summary>
    public ulong AppliedIndex { get; private set; }

    /// <summary>The newest durable local snapshot.</summary>
    public SnapshotMetadata? Snapshot { get; private set; }

    public RaftLog Log => _log;

    /// <summary>The latest configuration in the log (committed or not), which is the one in force.</summary>
    public ClusterConfiguration Configuration => _configurations.Current;

    public bool IsVoter => Configuration.IsVoter(Id);

    public IReadOnlyList<RaftAction> Step(RaftEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        _actions = [];
        switch (@event)
        {
            case Tick:
                OnTick();
                break;
            case Receive receive:
                OnMessage(receive.Message);
                break;
            case Propose propose:
                OnPropose(propose);
                break;
            case ChangeMembership change:
                OnChangeMembership(change);
                break;
            case TransferLeadership transfer:
                OnTransferLeadership(transfer);
                break;
            case ReadRequest read:
                OnRead(read);
                break;
            case PersistCompleted persisted:
                OnPersistCompleted(persisted.Sequence);
                break;
            case ApplyCompleted applied:
                OnApplyCompleted(applied.Index);
                break;
            case SnapshotTaken taken:
                OnSnapshotTaken(taken.Snapshot);
                break;
            case SnapshotChunkRead chunk:
                OnSnapshotChunkRead(chunk);
                break;
            default:
                throw new ArgumentException($"Unknown event {@event.GetType().Name}.", nameof(@event));
        }
        FlushPersist();
        ApplyCommitted();
        ReportRole();
        return _actions;
    }

    private ConfigurationHistory Recover(PersistentState state)
    {
        var entries = state.Entries;
        for (var i = 1; i < entries.Count; i++)
        {
            if (entries[i].Index != entries[i - 1].Index + 1)
            {
                throw new InvalidDataException($"The stored log jumps from index {entries[i - 1].Index} to {entries[i].Index}.");
            }
        }
        var snapshot = state.Snapshot;
        if (snapshot is null)
        {
            if (entries.Count > 0 && entries[0].Index != 1)
            {
                throw new InvalidDataException($"The stored log starts at index {entries[0].Index} but there is no snapshot.");
            }
            var history = new ConfigurationHistory(0, ClusterConfiguration.Empty);
            foreach (var entry in entries)
            {
                AppendToLog(entry, history);
            }
            return history;
        }
        var recovered = new ConfigurationHistory(snapshot.Index, snapshot.Configuration);
        var first = entries.Count > 0 ? entries[0].Index : snapshot.Index + 1;
        var last = entries.Count > 0 ? entries[^1].Index : snapshot.Index;
        if (first > snapshot.Index + 1)
        {
            throw new InvalidDataException($"The stored log starts at index {first}, after a gap behind the snapshot at {snapshot.Index}.");
        }
        var keep = first == snapshot.Index + 1
            || (last >= snapshot.Index && entries[(int)(snapshot.Index - first)].Term == snapshot.Term);
        if (!keep)
        {
            // The log predates an installed snapshot (a crash between the two writes): it is stale, drop it on disk too.
            _log.Reset(snapshot.Index, snapshot.Term);
            _resetToIssue = snapshot;
            _restoreOnReset = false;
            return recovered;
        }
        if (first == snapshot.Index + 1)
        {
            _log.Reset(snapshot.Index, snapshot.Term);
        }
        else
        {
            // Trailing entries behind the snapshot: the first one becomes the base so its term stays known.
            _log.Reset(first, entries[0].Term);
        }
        foreach (var entry in entries)
        {
            if (entry.Index > _log.BaseIndex)
            {
                AppendToLog(entry, entry.Index > snapshot.Index ? recovered : null);
            }
        }
        return recovered;
    }

    private void AppendToLog(LogEntry entry, ConfigurationHistory? history)
    {
        _log.Append(entry);
        if (entry.Kind == EntryKind.Configuration)
        {
            history?.Add(entry.Index, ClusterConfiguration.Decode(entry.Data));
        }
    }

    private LogEntry AppendLocal(EntryKind kind, byte[] data)
    {
        var entry = new LogEntry(_log.LastIndex + 1, Term, kind, data);
        AppendToLog(entry, _configurations);
        return entry;
    }

    private void BecomeFollower(ulong term, string? leader)
    {
        if (term > Term)
        {
            SetHardState(term, null);
        }
        var wasLeader = Role == RaftRole.Leader;
        Role = RaftRole.Follower;
        LeaderId = leader;
        if (wasLeader)
        {
            LeaveLeadership();
        }
        _votes.Clear();
        ResetElectionTimer();
    }

    /// <summary>A valid message from the leader of the current term.</summary>
    private void AcceptLeader(string leader)
    {
        if (Role != RaftRole.Follower)
        {
            BecomeFollower(Term, leader);
        }
        LeaderId = leader;
        _electionElapsed = 0;
        _leaderContactElapsed = 0;
    }

    private void SetHardState(ulong term, string? votedFor)
    {
        if (term != Term || votedFor != VotedFor)
        {
            Term = term;
            VotedFor = votedFor;
            _hardStateDirty = true;
        }
    }

    private void Reject(long requestId, RejectReason reason) => _actions.Add(new RequestRejected(requestId, reason, LeaderId));

    private void ReportRole()
    {
        if (Role != _reportedRole || LeaderId != _reportedLeader)
        {
            _reportedRole = Role;
            _reportedLeader = LeaderId;
            _actions.Add(new RoleChanged(Role, Term, LeaderId));
        }
    }

    private void OnMessage(RaftMessage message)
    {
        if (message.To != Id || message.From == Id)
        {
            return;
        }
        if (message.Term > Term)
        {
            switch (message)
            {
                case VoteRequest vote when !vote.Transfer && InLease:
                    // Leader stickiness: someone who heard from a live leader ignores disruptive candidates.
                    return;
                case VoteRequest { PreVote: true }:
                case VoteResponse { PreVote: true, Granted: true }:
                    break;
                case AppendRequest or HeartbeatRequest or SnapshotRequest or TimeoutNowRequest:
                    BecomeFollower(message.Term, message.From);
                    break;
                default:
                    BecomeFollower(message.Term, null);
                    break;
            }
        }
        else if (message.Term < Term)
        {
            switch (message)
            {
                case AppendRequest or HeartbeatRequest or SnapshotRequest:
                    // Tells a deposed leader about the newer term so it steps down.
                    Send(new HeartbeatResponse(Id, message.From, Term, 0));
                    break;
                case VoteRequest vote:
                    Send(new VoteResponse(Id, message.From, Term, false, vote.PreVote));
                    break;
            }
            return;
        }
        switch (message)
        {
            case VoteRequest vote:
                OnVoteRequest(vote);
                break;
            case VoteResponse vote:
                OnVoteResponse(vote);
                break;
            case AppendRequest append:
                OnAppendRequest(append);
                break;
            case AppendResponse append:
                OnAppendResponse(append);
                break;
            case HeartbeatRequest heartbeat:
                OnHeartbeat(heartbeat);
                break;
            case HeartbeatResponse heartbeat:
                OnHeartbeatResponse(heartbeat);
                break;
            case SnapshotRequest snapshot:
                OnSnapshotRequest(snapshot);
                break;
            case SnapshotResponse snapshot:
                OnSnapshotResponse(snapshot);
                break;
            case TimeoutNowRequest timeoutNow:
                OnTimeoutNow(timeoutNow);
                break;
        }
    }
}
