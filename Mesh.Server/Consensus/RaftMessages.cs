namespace Mesh.Server.Consensus;

/// <summary>A message between two servers. Every message carries the sender's term (Raft figure 2).</summary>
public abstract record RaftMessage(string From, string To, ulong Term);

/// <summary>RequestVote, or a pre-vote (a dry run at Term + 1 that changes nobody's term, Raft §9.6).</summary>
public sealed record VoteRequest(
    string From, string To, ulong Term, ulong LastLogIndex, ulong LastLogTerm, bool PreVote, bool Transfer)
    : RaftMessage(From, To, Term);

/// <summary>A granted pre-vote carries the term asked for; a refusal carries the voter's own term.</summary>
public sealed record VoteResponse(string From, string To, ulong Term, bool Granted, bool PreVote)
    : RaftMessage(From, To, Term);

/// <summary>
/// AppendEntries. <see cref="Round"/> is the leader's heartbeat round when sent; the follower echoes it so the
/// leader can confirm leadership for reads (ReadIndex and lease).
/// </summary>
public sealed record AppendRequest(
    string From, string To, ulong Term, ulong PrevLogIndex, ulong PrevLogTerm, IReadOnlyList<LogEntry> Entries,
    ulong LeaderCommit, ulong Round)
    : RaftMessage(From, To, Term)
{
    public override string ToString() =>
        $"Append {From}->{To} t{Term} prev={PrevLogIndex}@{PrevLogTerm} entries=[{string.Join(",", Entries)}] commit={LeaderCommit} round={Round}";
}

/// <summary>
/// On success <see cref="Index"/> is the last index now known to match the leader (durable on the follower).
/// On refusal it is the rejected PrevLogIndex, and the hint is the follower's guess of the last matching entry.
/// </summary>
public sealed record AppendResponse(
    string From, string To, ulong Term, bool Success, ulong Index, ulong HintIndex, ulong HintTerm, ulong Round)
    : RaftMessage(From, To, Term);

/// <summary>
/// A heartbeat. <see cref="Commit"/> is never above what the leader knows the follower holds, so a heartbeat
/// alone cannot make a follower commit entries it has not got from this leader.
/// </summary>
public sealed record HeartbeatRequest(string From, string To, ulong Term, ulong Commit, ulong Round)
    : RaftMessage(From, To, Term);

public sealed record HeartbeatResponse(string From, string To, ulong Term, ulong Round) : RaftMessage(From, To, Term);

/// <summary>One chunk of InstallSnapshot; <see cref="Last"/> marks the final one.</summary>
public sealed record SnapshotRequest(
    string From, string To, ulong Term, SnapshotMetadata Snapshot, long Offset, byte[] Data, bool Last)
    : RaftMessage(From, To, Term)
{
    public override string ToString() =>
        $"Snapshot {From}->{To} t{Term} {Snapshot.Index}@{Snapshot.Term} offset={Offset} {Data.Length}b last={Last}";
}

/// <summary>Either the offset the follower expects next, or <see cref="Done"/>: it holds everything through the snapshot.</summary>
public sealed record SnapshotResponse(string From, string To, ulong Term, ulong SnapshotIndex, long NextOffset, bool Done)
    : RaftMessage(From, To, Term);

/// <summary>Leadership transfer: the receiver starts an election at once, without pre-vote (Raft §3.10).</summary>
public sealed record TimeoutNowRequest(string From, string To, ulong Term) : RaftMessage(From, To, Term);
