namespace Mesh.Server.Consensus;

/// <summary>What a log entry carries: an opaque client command, the leader's no-op, or a cluster configuration.</summary>
public enum EntryKind : byte
{
    Command = 0,
    NoOp = 1,
    Configuration = 2,
}

/// <summary>
/// One replicated log entry. <see cref="Data"/> is opaque for commands; for configuration entries it is an
/// encoded <see cref="ClusterConfiguration"/>. Entries are immutable once created and shared by reference.
/// </summary>
public sealed record LogEntry(ulong Index, ulong Term, EntryKind Kind, byte[] Data)
{
    public override string ToString() => $"{Index}@{Term}:{Kind}/{Data.Length}b";
}
