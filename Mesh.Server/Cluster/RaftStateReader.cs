using Mesh.Server.Consensus;
using Mesh.Server.Rpc;
using Mesh.Server.State;
using Mesh.Server.State.Queries;

namespace Mesh.Server.Cluster;

/// <summary>
/// A server's reads, by Consul's consistency modes: <c>stale</c> from this server's own store; the default from
/// the leader once its lease holds; <c>consistent</c> from the leader once a quorum confirmed it still leads.
/// A follower forwards the latter two to the leader.
/// </summary>
public sealed class RaftStateReader(ServerConsensus consensus, StateStore store, ServerConnections connections) : IStateReader
{
    public async Task<QueryResult<T>> QueryAsync<T>(StateQuery<T> query, QueryOptions options, CancellationToken cancellationToken = default)
    {
        if (options.Consistency == Consistency.Stale)
        {
            var result = await store.QueryAsync(query.Run, options.MinIndex, options.Wait, cancellationToken).ConfigureAwait(false);
            return result with { KnownLeader = consensus.KnownLeader, LastContact = consensus.IsLeader ? TimeSpan.Zero : consensus.LastContact };
        }
        var read = options.Consistency == Consistency.Consistent ? ReadConsistency.ReadIndex : ReadConsistency.Lease;
        return await consensus.OnLeaderAsync(
            async (host, token) =>
            {
                await host.ReadAsync(read, token).ConfigureAwait(false);
                return await store.QueryAsync(query.Run, options.MinIndex, options.Wait, token).ConfigureAwait(false);
            },
            (leader, token) => new RemoteState(connections, () => leader).QueryAsync(query, options, token),
            RetryAfter.AnyFailure,
            cancellationToken).ConfigureAwait(false);
    }
}
