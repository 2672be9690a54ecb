namespace Mesh.Server.Consensus;

public enum RaftRole
{
    Follower,

    /// <summary>Asking whether it could win (pre-vote) before disturbing anyone with a new term.</summary>
    PreCandidate,
    Candidate,
    Leader,
}

/// <summary>Why a proposal, read, membership change or transfer was refused.</summary>
public enum RejectReason
{
    /// <summary>This server is not the leader; <see cref="RequestRejected.LeaderId"/> names the one it knows of.</summary>
    NotLeader,

    /// <summary>The leader is handing leadership over and takes no writes meanwhile.</summary>
    TransferInProgress,

    /// <summary>A previous membership change is not committed yet (one change at a time).</summary>
    ConfigurationChangeInProgress,

    /// <summary>The new leader has not committed an entry of its term yet.</summary>
    LeaderNotReady,

    /// <summary>The request makes no sense for the current configuration (unknown server, last voter, ...).</summary>
    InvalidRequest,
}

/// <summary>How sure a read must be that this server is still the leader.</summary>
public enum ReadConsistency
{
    /// <summary>Served at once while the leader lease holds; otherwise falls back to <see cref="ReadIndex"/>.</summary>
    Lease,

    /// <summary>Confirms leadership with a quorum heartbeat round before serving (Raft §6.4).</summary>
    ReadIndex,
}
