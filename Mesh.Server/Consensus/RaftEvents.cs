namespace Mesh.Server.Consensus;

/// <summary>Something that happened to a server; the host feeds it to <see cref="RaftNode.Step"/>.</summary>
public abstract record RaftEvent;

/// <summary>One tick of the host's clock (<see cref="RaftOptions.TickInterval"/>).</summary>
public sealed record Tick : RaftEvent
{
    public static readonly Tick Instance = new();
}

/// <summary>A message from another server arrived.</summary>
public sealed record Receive(RaftMessage Message) : RaftEvent;

/// <summary>A client command to replicate. Answered by <see cref="ProposalAccepted"/> or <see cref="RequestRejected"/>.</summary>
public sealed record Propose(long RequestId, byte[] Command) : RaftEvent
{
    public override string ToString() => $"Propose #{RequestId} {Command.Length}b";
}

public enum MembershipChangeKind
{
    /// <summary>Adds a server as staging (a non-voter catching up); the leader promotes it when caught up.</summary>
    AddVoter,

    /// <summary>Adds a server that receives the log but never votes.</summary>
    AddLearner,
    RemoveServer,
}

public sealed record MembershipChange(MembershipChangeKind Kind, string ServerId, string Address = "");

/// <summary>A single-server membership change. Answered like a proposal.</summary>
public sealed record ChangeMembership(long RequestId, MembershipChange Change) : RaftEvent;

/// <summary>Hands leadership to <see cref="Target"/> (or the most up-to-date voter). Refusals are reported.</summary>
public sealed record TransferLeadership(long RequestId, string? Target) : RaftEvent;

/// <summary>A linearizable read. Answered by <see cref="ReadReady"/> or <see cref="RequestRejected"/>.</summary>
public sealed record ReadRequest(long RequestId, ReadConsistency Consistency) : RaftEvent;

/// <summary>The <see cref="Persist"/> action with this sequence number (and all before it) is durable.</summary>
public sealed record PersistCompleted(ulong Sequence) : RaftEvent;

/// <summary>The state machine has applied everything through <see cref="Index"/> (also after a restore).</summary>
public sealed record ApplyCompleted(ulong Index) : RaftEvent;

/// <summary>The snapshot asked for by <see cref="TakeSnapshot"/> is durable.</summary>
public sealed record SnapshotTaken(SnapshotMetadata Snapshot) : RaftEvent;

/// <summary>Bytes read for a <see cref="ReadSnapshotChunk"/> action; <see cref="Last"/> when the snapshot ends there.</summary>
public sealed record SnapshotChunkRead(string Peer, ulong SnapshotIndex, long Offset, byte[] Data, bool Last) : RaftEvent
{
    public override string ToString() => $"SnapshotChunkRead {Peer} {SnapshotIndex} offset={Offset} {Data.Length}b last={Last}";
}
