namespace Mesh.Server.Consensus;

/// <summary>
/// Something the host must do. Three queues, each executed in the order the actions are returned:
/// storage (<see cref="Persist"/>, <see cref="SaveSnapshotChunk"/>, <see cref="CompactLog"/>), apply
/// (<see cref="ApplyEntries"/>, <see cref="RestoreSnapshot"/>, <see cref="TakeSnapshot"/>), and everything else,
/// which may run in any order. The core already holds back every message that depends on unsynced state.
/// </summary>
public abstract record RaftAction;

/// <summary>Send a message (best effort: the core tolerates loss, duplication and reordering).</summary>
public sealed record Send(RaftMessage Message) : RaftAction
{
    public override string ToString() => $"Send {Message}";
}

/// <summary>
/// Make state durable, in this order: the hard state (never after the entries); then, if
/// <see cref="ResetToSnapshot"/> is set, that snapshot becomes the current one (if it was received through
/// <see cref="SaveSnapshotChunk"/>) and every stored log entry is deleted; then stored entries at or after
/// <c>Entries[0].Index</c> are replaced by <see cref="Entries"/>. Then fsync and report
/// <see cref="PersistCompleted"/>. At most one is outstanding at a time, so concurrent proposals share it.
/// </summary>
public sealed record Persist(ulong Sequence, HardState? HardState, SnapshotMetadata? ResetToSnapshot, IReadOnlyList<LogEntry> Entries)
    : RaftAction
{
    public override string ToString() =>
        $"Persist #{Sequence} hs={HardState} reset={ResetToSnapshot?.Index} entries=[{string.Join(",", Entries)}]";
}

/// <summary>Store a chunk of a snapshot being received (no fsync needed: the final <see cref="Persist"/> syncs it).</summary>
public sealed record SaveSnapshotChunk(SnapshotMetadata Snapshot, long Offset, byte[] Data) : RaftAction
{
    public override string ToString() => $"SaveSnapshotChunk {Snapshot.Index} offset={Offset} {Data.Length}b";
}

/// <summary>Stored entries below <see cref="FirstIndexToKeep"/> may be deleted (a snapshot covers them).</summary>
public sealed record CompactLog(ulong FirstIndexToKeep) : RaftAction;

/// <summary>Apply committed entries in order (no-op and configuration entries too, so indexes stay contiguous).</summary>
public sealed record ApplyEntries(IReadOnlyList<LogEntry> Entries) : RaftAction
{
    public override string ToString() => $"ApplyEntries [{string.Join(",", Entries)}]";
}

/// <summary>Replace the state machine with this installed snapshot, then report <see cref="ApplyCompleted"/>.</summary>
public sealed record RestoreSnapshot(SnapshotMetadata Snapshot) : RaftAction;

/// <summary>
/// Snapshot the state machine, which is exactly at <c>Snapshot.Index</c> once the apply queue reaches this
/// action; store it durably with this metadata, keep the previous snapshot too, and report <see cref="SnapshotTaken"/>.
/// </summary>
public sealed record TakeSnapshot(SnapshotMetadata Snapshot) : RaftAction;

/// <summary>Read up to <see cref="MaxBytes"/> of a local snapshot at <see cref="Offset"/>; answer with <see cref="SnapshotChunkRead"/>.</summary>
public sealed record ReadSnapshotChunk(string Peer, SnapshotMetadata Snapshot, long Offset, int MaxBytes) : RaftAction;

/// <summary>
/// The proposal is in the leader's log at <see cref="Index"/>. It succeeded once an entry with this index and
/// <see cref="Term"/> is applied; an entry with another term at that index means it was lost.
/// </summary>
public sealed record ProposalAccepted(long RequestId, ulong Index, ulong Term) : RaftAction;

public sealed record RequestRejected(long RequestId, RejectReason Reason, string? LeaderId) : RaftAction;

/// <summary>Serve the read once the state machine has applied <see cref="Index"/>.</summary>
public sealed record ReadReady(long RequestId, ulong Index) : RaftAction;

/// <summary>The server's role or known leader changed.</summary>
public sealed record RoleChanged(RaftRole Role, ulong Term, string? LeaderId) : RaftAction;
