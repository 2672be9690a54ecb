using Mesh.Server.Consensus;

namespace Mesh.Server.Cluster;

public sealed partial class RaftOperator
{
    /// <summary>
    /// Without <paramref name="stale"/>, the leader confirms it still leads and has applied every acknowledged write
    /// before it captures the store (Consul's consistent read); a stale snapshot is this server's own state.
    /// </summary>
    public Task<SavedSnapshot> SaveSnapshotAsync(bool stale, CancellationToken cancellationToken = default) =>
        stale
            ? StateSnapshots.SaveAsync(store, consensus.Host?.Term ?? 0, consensus.Host?.Configuration ?? ClusterConfiguration.Empty, time, cancellationToken)
            : OnLeaderAsync(
                async host =>
                {
                    await host.ReadAsync(ReadConsistency.ReadIndex, cancellationToken).ConfigureAwait(false);
                    return await StateSnapshots.SaveAsync(store, host.Term, host.Configuration, time, cancellationToken).ConfigureAwait(false);
                },
                remote => remote.SaveSnapshotAsync(stale: false, cancellationToken),
                cancellationToken);
}
