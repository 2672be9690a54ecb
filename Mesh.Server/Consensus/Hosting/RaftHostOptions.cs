namespace Mesh.Server.Consensus.Hosting;

/// <summary>
/// How to start one server. <see cref="Bootstrap"/> seeds an empty <see cref="DataDirectory"/> as a founder of
/// a new cluster; a directory holding state ignores it.
/// </summary>
public sealed record RaftHostOptions(string Id, string DataDirectory)
{
    public RaftOptions Raft { get; init; } = new();

    public ClusterConfiguration? Bootstrap { get; init; }

    /// <summary>Where the "mesh.raft" instruments are created; a private meter when null.</summary>
    public System.Diagnostics.Metrics.IMeterFactory? MeterFactory { get; init; }
}
