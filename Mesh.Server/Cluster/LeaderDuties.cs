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
            try
            {
                await foreach (var change in membership.Gossip.WatchAsync(includeCurrent: true, leading.Token).ConfigureAwait(false))
                {
                    consensus?.LearnServerAddresses();
                    await ReconcileAsync(change, leading.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                _logger.LogInformation("Cluster leadership lost");
            }
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
