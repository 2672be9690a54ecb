using Mesh.Server.Consensus;
using Mesh.Server.Rpc;
using Mesh.Server.State;
using Mesh.Server.State.Queries;

namespace Mesh.Server.Cluster;

/// <summary>
/// A server's reads, by Consul's consistency modes: <c>stale</c> from this server's own store; the default from
/// the leader once its lease holds; <c>consistent</c> from the leader once a quorum confirmed it still leads.
/// A follower forwards the latter two to the leader; without a leader they fail with "No cluster leader".
/// </summary>
public sealed class RaftStateReader(ServerConsensus consensus, StateStore store, ServerConnections connections, TimeProvider time) : IStateReader
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(25);

    public async Task<QueryResult<T>> QueryAsync<T>(StateQuery<T> query, QueryOptions options, CancellationToken cancellationToken = default)
    {
        if (options.Consistency == Consistency.Stale)
        {
            var result = await store.QueryAsync(query.Run, options.MinIndex, options.Wait, cancellationToken).ConfigureAwait(false);
            return result with { KnownLeader = consensus.KnownLeader, LastContact = consensus.IsLeader ? TimeSpan.Zero : consensus.LastContact };
        }
        var started = time.GetTimestamp();
        while (true)
        {
            var host = consensus.Host;
            try
            {
                if (host?.Role == RaftRole.Leader)
                {
                    await host.ReadAsync(options.Consistency == Consistency.Consistent ? ReadConsistency.ReadIndex : ReadConsistency.Lease, cancellationToken)
                        .ConfigureAwait(false);
                    return await store.QueryAsync(query.Run, options.MinIndex, options.Wait, cancellationToken).ConfigureAwait(false);
                }
                if (consensus.LeaderAddress is { } leader)
                {
                    return await new RemoteState(connections, () => leader).QueryAsync(query, options, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Consensus.Hosting.NotLeaderException)
            {
                // Leadership moved while confirming it.
            }
            catch (NoServerException)
            {
                // The leader went away while we forwarded.
            }
            if (time.GetElapsedTime(started) >= consensus.HoldTimeout)
            {
                throw RaftStateWriter.NoLeader();
            }
            await Task.Delay(RetryDelay, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
