using Mesh.Server.Consensus;
using Mesh.Server.Consensus.Hosting;
using Mesh.Server.Rpc;

namespace Mesh.Server.Cluster;

/// <summary>Requests only the leader may answer: served here while this server leads, else forwarded to the leader.</summary>
public sealed partial class ServerConsensus
{
    private static readonly TimeSpan LeaderRetryDelay = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// Runs <paramref name="here"/> on this server while it leads, otherwise <paramref name="forward"/> with the
    /// leader's RPC address. Through an election (no leader, a leader not ready, leadership moving, the leader
    /// gone) it retries until <see cref="HoldTimeout"/>, then fails as Consul does: "No cluster leader".
    /// </summary>
    public async Task<T> OnLeaderAsync<T>(
        Func<RaftHost, CancellationToken, Task<T>> here,
        Func<string, CancellationToken, Task<T>> forward,
        CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            try
            {
                if (_host is { Role: RaftRole.Leader } host)
                {
                    return await here(host, cancellationToken).ConfigureAwait(false);
                }
                if (LeaderAddress is { } leader)
                {
                    return await forward(leader, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is NotLeaderException or RaftRequestRejectedException or NoServerException)
            {
                // Leadership moved, the new leader is not ready yet, or the leader went away: a proposal refused
                // or lost to a leader change is in no log, so trying again cannot apply it twice.
            }
            if (_time.GetElapsedTime(started) >= HoldTimeout)
            {
                throw new NoServerException("No cluster leader");
            }
            await Task.Delay(LeaderRetryDelay, _time, cancellationToken).ConfigureAwait(false);
        }
    }
}
