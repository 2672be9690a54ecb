using Mesh.Server.Agent;
using Mesh.Server.Agent.Membership;
using Mesh.Server.Config;
using Mesh.Server.Consensus;
using Mesh.Server.Consensus.Hosting;
using Mesh.Server.Rpc;
using Mesh.Server.State;

namespace Mesh.Server.Cluster;

/// <summary>
/// A Raft server's operator: the leader changes and reads its configuration and takes snapshots; a follower
/// forwards to the leader over agent RPC, or answers a stale read itself. Without a leader it waits up to the RPC
/// hold timeout, then fails with "No cluster leader", as writes do.
/// </summary>
public sealed partial class RaftOperator(
    ServerConsensus consensus,
    IAgentMembership membership,
    AgentConfig config,
    StateStore store,
    ServerConnections connections,
    TimeProvider time) : IRaftOperator
{
    /// <summary>What Consul reports for a server gossip knows (its raft_vsn tag); "unknown" otherwise.</summary>
    public const string ProtocolVersion = "3";

    /// <summary>hashicorp/raft's ErrCannotFindPeer: there is no other voter to take over.</summary>
    internal const string NoOtherVoter = "cannot find peer";

    // Consul's wording for a peer that is not in the configuration.
    internal static string UnknownId(string id) => $"id \"{id}\" was not found in the Raft configuration";

    internal static string UnknownAddress(string? address) => $"address \"{address}\" was not found in the Raft configuration";

    internal static string NoSuchServer(string id) => $"Could not find address for server id {id}";

    internal static string OnlyVoter(string id) => $"cannot remove {id}: it is the only voter in the Raft configuration";

    public Task<RaftConfigurationReply> ConfigurationAsync(bool stale, CancellationToken cancellationToken = default) =>
        stale
            ? Task.FromResult(Describe(consensus.Host))
            : OnLeaderAsync(host => Task.FromResult(Describe(host)), remote => remote.ConfigurationAsync(stale: false, cancellationToken), cancellationToken);

    public Task RemovePeerAsync(RaftPeer peer, CancellationToken cancellationToken = default) =>
        OnLeaderAsync(
            async host =>
            {
                await RemoveAsync(host, peer, cancellationToken).ConfigureAwait(false);
                return true;
            },
            async remote =>
            {
                await remote.RemovePeerAsync(peer, cancellationToken).ConfigureAwait(false);
                return true;
            },
            cancellationToken);

    public Task TransferLeadershipAsync(string? id, CancellationToken cancellationToken = default) =>
        OnLeaderAsync(
            async host =>
            {
                await TransferAsync(host, id, cancellationToken).ConfigureAwait(false);
                return true;
            },
            async remote =>
            {
                await remote.TransferLeadershipAsync(id, cancellationToken).ConfigureAwait(false);
                return true;
            },
            cancellationToken);

    /// <summary>
    /// The configuration as this server sees it. Only the leader tracks how far each follower's log reaches;
    /// elsewhere a server knows its own last index and reports 0 for the others.
    /// </summary>
    private RaftConfigurationReply Describe(RaftHost? host)
    {
        if (host is null)
        {
            return new RaftConfigurationReply([], 0);
        }
        var names = membership.Members()
            .Where(m => MemberTags.IsServerOf(m.Tags, config.Datacenter) && m.Tags.ContainsKey(MemberTags.Id))
            .GroupBy(m => m.Tags[MemberTags.Id], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Name, StringComparer.Ordinal);
        var leader = host.LeaderId;
        var last = host.LastLogIndex;
        var lags = host.Role == RaftRole.Leader ? host.ReplicationLag() : new Dictionary<string, ulong>();
        var servers = host.Configuration.Members.Select(member =>
        {
            var known = names.TryGetValue(member.Id, out var node);
            var lastIndex = member.Id == host.Id ? last : lags.TryGetValue(member.Id, out var lag) ? last - Math.Min(lag, last) : 0;
            return new RaftServerReply(
                member.Id,
                known ? node! : "(unknown)",
                member.Address,
                member.Id == leader,
                known ? ProtocolVersion : "unknown",
                member.Role == MemberRole.Voter,
                lastIndex);
        });
        // Consul's Index comes from hashicorp/raft's GetConfiguration future, which no longer carries one: always 0.
        return new RaftConfigurationReply([.. servers], 0);
    }

    /// <summary>Runs <paramref name="local"/> on the leader, or <paramref name="forward"/>s to it from a follower.</summary>
    private Task<T> OnLeaderAsync<T>(Func<RaftHost, Task<T>> local, Func<RemoteCluster, Task<T>> forward, CancellationToken cancellationToken) =>
        consensus.OnLeaderAsync(
            (host, _) => local(host),
            (leader, _) => forward(new RemoteCluster(connections, () => leader)),
            RetryAfter.AnyFailure,
            cancellationToken);

    private async Task RemoveAsync(RaftHost host, RaftPeer peer, CancellationToken cancellationToken)
    {
        var configuration = host.Configuration;
        var member = peer.Id is { } id
            ? configuration.Find(id) ?? throw new RaftOperatorException(UnknownId(id))
            : configuration.Members.FirstOrDefault(m => m.Address == peer.Address) ?? throw new RaftOperatorException(UnknownAddress(peer.Address));
        if (member.Role == MemberRole.Voter && configuration.Voters.Count == 1)
        {
            throw new RaftOperatorException(OnlyVoter(member.Id));
        }
        await RetryRefusedAsync(() => host.ChangeMembershipAsync(new MembershipChange(MembershipChangeKind.RemoveServer, member.Id), cancellationToken), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Naming the leader itself asks for nothing to change. A transfer retried after it timed out may find that
    /// leadership moved meanwhile: done if it went where it was asked to (else the caller forwards to the new leader).
    /// </summary>
    private async Task TransferAsync(RaftHost host, string? id, CancellationToken cancellationToken)
    {
        var configuration = host.Configuration;
        if (id is not null)
        {
            var member = configuration.Find(id) ?? throw new RaftOperatorException(NoSuchServer(id));
            if (member.Id == host.Id)
            {
                return;
            }
            if (member.Role != MemberRole.Voter)
            {
                throw new RaftOperatorException($"cannot transfer leadership to {id}: it is not a voter");
            }
        }
        else if (!configuration.Voters.Any(v => v != host.Id))
        {
            throw new RaftOperatorException(NoOtherVoter);
        }
        try
        {
            await RetryRefusedAsync(() => host.TransferLeadershipAsync(id, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (NotLeaderException) when (id is null || host.LeaderId == id)
        {
            // It already took effect.
        }
    }

    /// <summary>A change refused while another is under way (or before the leader is ready) is retried, up to the hold timeout.</summary>
    private async Task RetryRefusedAsync(Func<Task> change, CancellationToken cancellationToken)
    {
        try
        {
            await consensus.RetryWhileRefusedAsync(change, consensus.HoldTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (RaftRequestRejectedException ex)
        {
            throw new RaftOperatorException(ex.Message);
        }
    }
}
