using Mesh.Server.Agent.Membership;
using Mesh.Server.Consensus;
using Mesh.Server.Consensus.Hosting;
using Mesh.Server.Gossip;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Cluster;

/// <summary>
/// Keeps the Raft configuration in step with the servers gossip sees: a new server joins as a voter (after
/// catching up), a server that left is removed, and (autopilot's cleanup_dead_servers) a failed one is removed
/// when the servers still alive keep a quorum without it.
/// </summary>
public sealed partial class LeaderDuties
{
    private static readonly TimeSpan ChangeTimeout = TimeSpan.FromSeconds(30);

    private async Task ReconcileServerAsync(MemberEvent change, CancellationToken cancellationToken)
    {
        var member = change.Member;
        if (!MemberTags.IsServerOf(member.Metadata, config.Datacenter) || member.Metadata.GetValueOrDefault(MemberTags.Id) is not { } id
            || consensus?.Host is not { } host)
        {
            return;
        }
        var configuration = host.Configuration;
        var known = configuration.Find(id);
        switch (change.Kind)
        {
            case MemberEventKind.Joined or MemberEventKind.Recovered or MemberEventKind.Updated when known is null:
                var address = $"{member.Address.Address}:{member.Metadata[MemberTags.Port]}";
                await ChangeAsync(host, new MembershipChange(MembershipChangeKind.AddVoter, id, address), member.Name, cancellationToken).ConfigureAwait(false);
                break;
            case MemberEventKind.Left when known is not null && id != host.Id:
                await ChangeAsync(host, new MembershipChange(MembershipChangeKind.RemoveServer, id), member.Name, cancellationToken).ConfigureAwait(false);
                break;
            case MemberEventKind.Failed when known is not null && id != host.Id && CanRemoveFailed(configuration, id):
                await ChangeAsync(host, new MembershipChange(MembershipChangeKind.RemoveServer, id), member.Name, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>Autopilot's dead-server cleanup, only while the remaining alive voters would still be a majority.</summary>
    private bool CanRemoveFailed(ClusterConfiguration configuration, string id)
    {
        if (!config.Autopilot.CleanupDeadServers || consensus is null)
        {
            return false;
        }
        var alive = consensus.ServerMembers().Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var remaining = configuration.Without(id);
        var aliveVoters = remaining.Voters.Count(alive.Contains);
        return remaining.Voters.Count > 0 && aliveVoters >= remaining.Quorum;
    }

    /// <summary>One change at a time: a change refused because another is under way is retried.</summary>
    private async Task ChangeAsync(RaftHost host, MembershipChange change, string node, CancellationToken cancellationToken)
    {
        try
        {
            await consensus!.RetryWhileRefusedAsync(() => host.ChangeMembershipAsync(change, cancellationToken), ChangeTimeout, cancellationToken)
                .ConfigureAwait(false);
            _logger.LogInformation("Raft configuration: {Kind} {Node} ({Id})", change.Kind, node, change.ServerId);
        }
        catch (RaftRequestRejectedException ex)
        {
            _logger.LogWarning("Raft configuration change for {Node} gave up: {Reason}", node, ex.Message);
        }
    }
}
