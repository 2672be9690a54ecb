using Mesh.Server.Consensus;

namespace Mesh.Simulation;

/// <summary>Something scheduled on the virtual clock.</summary>
internal abstract record SimEvent;

internal sealed record NodeTick(int Node, int Incarnation) : SimEvent;

internal sealed record Deliver(RaftMessage Message) : SimEvent;

internal sealed record PersistSynced(int Node, int Incarnation, ulong Sequence) : SimEvent;

internal sealed record SnapshotWritten(int Node, int Incarnation, SnapshotMetadata Snapshot, byte[] Data) : SimEvent;

internal sealed record ChunkRead(int Node, int Incarnation, SnapshotChunkRead Chunk) : SimEvent;

internal sealed record ApplyDone(int Node, int Incarnation, ulong Index) : SimEvent;

internal sealed record ClientTurn : SimEvent;

internal sealed record ChaosTurn : SimEvent;

internal sealed record Restart(int Node) : SimEvent;

internal sealed record Kill(int Node, int Incarnation) : SimEvent;

internal sealed record Heal(int Generation) : SimEvent;

internal sealed record DiskRecovers(int Node) : SimEvent;
