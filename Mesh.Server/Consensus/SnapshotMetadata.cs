namespace Mesh.Server.Consensus;

/// <summary>Identifies a snapshot: the last index and term it covers and the configuration in force there.</summary>
public sealed record SnapshotMetadata(ulong Index, ulong Term, ClusterConfiguration Configuration)
{
    public bool SameAs(SnapshotMetadata? other) => other is not null && other.Index == Index && other.Term == Term;

    public override string ToString() => $"snapshot {Index}@{Term} {Configuration}";
}
