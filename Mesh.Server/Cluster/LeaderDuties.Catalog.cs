using Mesh.Server.Agent;
using Mesh.Server.Agent.Membership;
using Mesh.Server.Checks;
using Mesh.Server.Gossip;
using Mesh.Server.State;
using Mesh.Server.State.Queries;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Cluster;

/// <summary>
/// The leader's reconciliation of gossip membership into the catalog (Consul's leader_reconcile): every member
/// is a node with a <c>serfHealth</c> check, passing while it is alive, critical once it failed; a member that
/// left is deregistered.
/// </summary>
public sealed partial class LeaderDuties
{
    public const string AliveOutput = "Agent alive and reachable";
    public const string FailedOutput = "Agent not live or unreachable";

    private Task ReconcileCatalogAsync(MemberEvent change, CancellationToken cancellationToken) => change.Kind switch
    {
        MemberEventKind.Joined or MemberEventKind.Recovered or MemberEventKind.Updated =>
            RegisterAsync(change.Member, HealthStatus.Passing, AliveOutput, cancellationToken),
        MemberEventKind.Failed => RegisterAsync(change.Member, HealthStatus.Critical, FailedOutput, cancellationToken),
        MemberEventKind.Left => ApplyAsync(new CatalogDeregister(change.Member.Name), change.Member.Name, cancellationToken),
        // Suspicion is the failure detector's business until it decides; a reaped member stays as it was last seen.
        _ => Task.CompletedTask,
    };

    private async Task RegisterAsync(Member member, string status, string output, CancellationToken cancellationToken)
    {
        var address = member.Address.Address.ToString();
        var existing = (await _reader.QueryAsync(new NodeQuery(member.Name), QueryOptions.Now, cancellationToken).ConfigureAwait(false)).Value.Node;
        // The node's own agent owns its meta and tagged addresses; the leader only makes sure the node is there
        // at the address gossip sees.
        var node = existing is not null && existing.Address == address
            ? existing
            : new CatalogNode
            {
                ID = member.Metadata.GetValueOrDefault(MemberTags.Id) ?? "",
                Node = member.Name,
                Address = address,
                Datacenter = member.Metadata.GetValueOrDefault(MemberTags.Datacenter) ?? "",
                TaggedAddresses = existing?.TaggedAddresses ?? new Dictionary<string, string> { ["lan"] = address, ["lan_ipv4"] = address },
                Meta = existing?.Meta ?? [],
            };
        var serfHealth = new CatalogCheck
        {
            Node = member.Name,
            CheckID = LocalAgent.SerfCheckId,
            Name = "Serf Health Status",
            Status = status,
            Output = output,
            Type = "serf",
        };
        // A node the read did not find may be registered by its own agent before this write applies: then it is
        // left as its agent wrote it (the store creates a missing node even when told to skip the update).
        var skipNodeUpdate = existing is null || ReferenceEquals(node, existing);
        await ApplyAsync(new CatalogRegister(node, Checks: [serfHealth], SkipNodeUpdate: skipNodeUpdate), member.Name, cancellationToken).ConfigureAwait(false);
    }

    private async Task ApplyAsync(StateCommand command, string node, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _writer.ApplyAsync(command, cancellationToken).ConfigureAwait(false);
            if (result.Error is { } error)
            {
                _logger.LogWarning("Reconciling member {Node} failed: {Error}", node, error);
            }
        }
        catch (Consensus.Hosting.NotLeaderException)
        {
            // Leadership just ended; the next leader reconciles from the full member list.
            _logger.LogDebug("Reconciling member {Node} stopped: no longer the leader", node);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // One member's write failing must not stop reconciling the others.
            _logger.LogError(ex, "Reconciling member {Node} failed", node);
        }
    }
}
