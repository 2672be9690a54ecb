using Mesh.Server.Cluster;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Connect;

/// <summary>
/// The leader's CA duty (Consul's initializeCA): at every leadership, make sure the cluster has an active root,
/// generating the first one if not. Retries while it leads, as a write can fail while leadership settles.
/// </summary>
public sealed class ConnectCaLeader(ILeadership leadership, CaManager ca, TimeProvider time, ILogger<ConnectCaLeader> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var leads = await leadership.WaitForLeadershipAsync(stoppingToken).ConfigureAwait(false);
            using var leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, leads);
            try
            {
                await InitializeAsync(leading.Token).ConfigureAwait(false);
                // Nothing more to do until the next leadership.
                await Task.Delay(Timeout.InfiniteTimeSpan, time, leading.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // Leadership lost: wait for the next one.
            }
        }
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                if (await ca.InitializeAsync(cancellationToken).ConfigureAwait(false))
                {
                    logger.LogInformation("Connect CA initialized with a new root");
                }
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Initializing the Connect CA failed, retrying: {Error}", ex.Message);
                await Task.Delay(RetryDelay, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
