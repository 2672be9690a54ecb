using Mesh.Server.Config;
using Mesh.Server.State;
using Mesh.Server.State.Queries;
using Mesh.Server.State.Sessions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Cluster;

/// <summary>
/// The leader's session TTL timers (Consul's session_ttl): every session with a TTL is destroyed once it goes
/// unrenewed for twice its TTL (the grace Consul gives clients). Timers live only on the leader and restart with
/// the full grace at each new leadership, so a session never expires early because leadership moved.
/// </summary>
public sealed class SessionTimers(
    ILeadership leadership,
    IStateWriter writer,
    IStateReader reader,
    TimeProvider time,
    ILogger<SessionTimers> logger) : BackgroundService
{
    /// <summary>Consul's sessionTTLMultiplier.</summary>
    private const int TtlMultiplier = 2;

    // Idle waits are bounded so that a missed wake-up costs at most this.
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var leads = await leadership.WaitForLeadershipAsync(stoppingToken).ConfigureAwait(false);
            using var leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, leads);
            try
            {
                await RunAsync(leading.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (leading.IsCancellationRequested)
            {
                // Leadership (or the agent) ended; the next leader starts every timer over.
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Session TTL timers stopped: {Error}", ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task RunAsync(CancellationToken leading)
    {
        // Session ID → (the renewal the timer started from, when it fires).
        var timers = new Dictionary<string, (ulong RenewIndex, DateTimeOffset Deadline)>(StringComparer.Ordinal);
        ulong index = 0;
        while (!leading.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var wait = timers.Count == 0 ? MaxWait : Clamp(timers.Values.Min(t => t.Deadline) - now);
            var result = await reader.QueryAsync(new SessionTimersQuery(), new QueryOptions(index, wait, Consistency.Stale), leading).ConfigureAwait(false);
            index = result.Index;
            now = time.GetUtcNow();
            var live = new HashSet<string>(StringComparer.Ordinal);
            foreach (var session in result.Value)
            {
                if (!GoDuration.TryParse(session.TTL, out var ttl, out _) || ttl <= TimeSpan.Zero)
                {
                    continue;
                }
                live.Add(session.ID);
                if (!timers.TryGetValue(session.ID, out var timer) || timer.RenewIndex != session.RenewIndex)
                {
                    timers[session.ID] = (session.RenewIndex, now + (ttl * TtlMultiplier));
                }
            }
            foreach (var id in timers.Keys.Where(id => !live.Contains(id)).ToList())
            {
                timers.Remove(id);
            }
            foreach (var (id, _) in timers.Where(t => t.Value.Deadline <= now).ToList())
            {
                await ExpireAsync(id, leading).ConfigureAwait(false);
                timers.Remove(id);
            }
        }
    }

    private async Task ExpireAsync(string id, CancellationToken leading)
    {
        try
        {
            var result = await writer.ApplyAsync(new SessionDestroy(id), leading).ConfigureAwait(false);
            logger.LogInformation("Session {Session} expired (TTL)", id);
            if (result.Error is { } error)
            {
                logger.LogWarning("Invalidating session {Session} failed: {Error}", id, error);
            }
        }
        catch (Consensus.Hosting.NotLeaderException)
        {
            // Leadership just ended: the next leader times this session out.
        }
    }

    private static TimeSpan Clamp(TimeSpan wait) =>
        wait <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(1) : wait > MaxWait ? MaxWait : wait;
}
