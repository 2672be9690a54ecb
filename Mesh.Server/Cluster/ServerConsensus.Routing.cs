using Mesh.Server.Consensus;
using Mesh.Server.Consensus.Hosting;
using Mesh.Server.Rpc;

namespace Mesh.Server.Cluster;

/// <summary>Requests only the leader may answer: served here while this server leads, else forwarded to the leader.</summary>
public sealed partial class ServerConsensus
{
    /// <summary>Consul's answer when no leader could be found in time; nothing was applied.</summary>
    public const string NoLeader = "No cluster leader";

    private static readonly TimeSpan LeaderRetryDelay = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// Runs a leader's request (a membership change, a transfer) again while the core refuses it for now (another
    /// change under way, a leader not ready yet), up to <paramref name="limit"/>; then the refusal stands.
    /// </summary>
    public async Task RetryWhileRefusedAsync(Func<Task> request, TimeSpan limit, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            try
            {
                await request().ConfigureAwait(false);
                return;
            }
            catch (RaftRequestRejectedException) when (_time.GetElapsedTime(started) < limit)
            {
                await Task.Delay(LeaderRetryDelay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="here"/> on this server while it leads, otherwise <paramref name="forward"/> with the
    /// leader's RPC address. Through an election (no leader, a leader not ready, leadership moving, the leader
    /// gone) it retries until <see cref="HoldTimeout"/>, then fails as Consul does: "No cluster leader". A write
    /// (<see cref="RetryAfter.ProvenUnapplied"/>) is retried only after failures that prove it was not applied:
    /// sending it again after a lost answer could apply it twice.
    /// </summary>
    public async Task<T> OnLeaderAsync<T>(
        Func<RaftHost, CancellationToken, Task<T>> here,
        Func<string, CancellationToken, Task<T>> forward,
        RetryAfter retry,
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
            catch (Exception ex) when (ex is NotLeaderException or RaftRequestRejectedException
                or NoServerException { Undelivered: true }
                || (ex is NoServerException && retry == RetryAfter.AnyFailure))
            {
                // Leadership moved, the new leader is not ready yet, or the leader could not be reached: a proposal
                // refused or lost to a leader change is in no log, so trying again cannot apply it twice.
            }
            if (_time.GetElapsedTime(started) >= HoldTimeout)
            {
                throw new NoServerException(NoLeader) { Undelivered = true };
            }
            await Task.Delay(LeaderRetryDelay, _time, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>Which failures a request routed to the leader may be retried after.</summary>
public enum RetryAfter
{
    /// <summary>Reads and other requests that change nothing, or that are safe to repeat.</summary>
    AnyFailure,

    /// <summary>Writes: only failures that prove the request was not applied.</summary>
    ProvenUnapplied,
}
