using Mesh.Server.Agent.Membership;
using Mesh.Server.Config;
using Mesh.Server.Gossip;
using Mesh.Server.State;
using Mesh.Server.State.Queries;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Cluster;

/// <summary>
/// What only the leader does (Consul's leader loop): reconcile gossip membership into the catalog and into the
/// Raft configuration. It starts over from the full member list at every leadership, so a new leader picks up
/// where the old one stopped, and stops the moment leadership is lost.
/// </summary>
public sealed partial class LeaderDuties(
    GossipMembership membership,
    ILeadership leadership,
    ServerConsensus? consensus,
    AgentConfig config,
    IStateWriter writer,
    IStateReader reader,
    TimeProvider time,
    ILogger<LeaderDuties> logger) : BackgroundService
{
    /// <summary>Consul's reconcile_interval.</summary>
    private static readonly TimeSpan ReconcileInterval = TimeSpan.FromMinutes(1);

    private readonly IStateWriter _writer = writer;
    private readonly IStateReader _reader = reader;
    private readonly ILogger _logger = logger;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var leads = await leadership.WaitForLeadershipAsync(stoppingToken).ConfigureAwait(false);
            using var leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, leads);
            _logger.LogInformation("Cluster leadership acquired");
            while (!leading.IsCancellationRequested)
            {
                await ReconcilePassAsync(leading.Token).ConfigureAwait(false);
            }
            if (!stoppingToken.IsCancellationRequested)
            {
                _logger.LogInformation("Cluster leadership lost");
            }
        }
    }

    /// <summary>
    /// Every member as it is now, then every change, for one reconcile interval. Starting over each interval (as
    /// Consul's leader reconciles every minute) repairs what a restored snapshot or a failed write left behind.
    /// </summary>
    private async Task ReconcilePassAsync(CancellationToken leading)
    {
        using var interval = new CancellationTokenSource(ReconcileInterval, time);
        using var pass = CancellationTokenSource.CreateLinkedTokenSource(leading, interval.Token);
        try
        {
            await foreach (var change in membership.Gossip.WatchAsync(includeCurrent: true, pass.Token).ConfigureAwait(false))
            {
                consensus?.LearnServerAddresses();
                await ReconcileAsync(change, pass.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (pass.IsCancellationRequested)
        {
            // The interval is over, or leadership (or the agent) ended.
        }
    }

    private async Task ReconcileAsync(MemberEvent change, CancellationToken cancellationToken)
    {
        try
        {
            await ReconcileCatalogAsync(change, cancellationToken).ConfigureAwait(false);
            await ReconcileServerAsync(change, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // One member failing (leadership just lost, a server unreachable) must not stop the others, nor the agent.
            _logger.LogWarning("Reconciling member {Node} failed: {Error}", change.Member.Name, ex.Message);
        }
    }
}
