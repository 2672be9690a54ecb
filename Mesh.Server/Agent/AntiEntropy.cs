using Mesh.Server.Rpc;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Agent;

/// <summary>
/// Keeps the catalog in line with the local agent: a full sync at start, again whenever a write could not be
/// made (retrying every second until a server answers), and every minute regardless (Consul's anti-entropy).
/// </summary>
public sealed class AntiEntropy(LocalAgent agent, TimeProvider time, ILogger<AntiEntropy> logger) : BackgroundService
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FullSyncInterval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A server synced before its API opened; a client starts out of sync, so it syncs at once either way.
        var lastFullSync = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            if (agent.OutOfSync || time.GetUtcNow() - lastFullSync >= FullSyncInterval)
            {
                try
                {
                    await agent.SyncAllAsync(stoppingToken).ConfigureAwait(false);
                    lastFullSync = time.GetUtcNow();
                }
                catch (Exception ex) when (ex is NoServerException or AgentException)
                {
                    logger.LogWarning("Anti-entropy sync failed, retrying: {Error}", ex.Message);
                }
            }
            await Task.Delay(RetryInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
