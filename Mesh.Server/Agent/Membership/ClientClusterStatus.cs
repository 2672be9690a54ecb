using Mesh.Server.Rpc;

namespace Mesh.Server.Agent.Membership;

/// <summary>
/// A client agent's view of the servers. It holds no Raft state, so who leads and who votes come from a server
/// over agent RPC (Consul's Status.Leader and Status.Peers); locally it only knows the servers gossip shows.
/// </summary>
public sealed class ClientClusterStatus(IAgentMembership membership, string datacenter, RemoteCluster servers) : IClusterStatus
{
    /// <summary>Not known locally (a client agent's /v1/agent/self reports no leader); see <see cref="LeaderAsync"/>.</summary>
    public string Leader => "";

    /// <summary>The alive servers gossip shows (the agent's known servers).</summary>
    public IReadOnlyList<string> Peers =>
    [
        .. membership.Members()
            .Where(m => m.Status == MemberStatus.Alive && MemberTags.IsServerOf(m.Tags, datacenter))
            .Select(m => $"{m.Addr}:{m.Tags[MemberTags.Port]}"),
    ];

    public bool KnownLeader => false;

    public TimeSpan LastContact => TimeSpan.Zero;

    public async Task<string> LeaderAsync(CancellationToken cancellationToken = default) =>
        (await servers.StatusAsync(cancellationToken).ConfigureAwait(false)).Leader;

    public async Task<IReadOnlyList<string>> PeersAsync(CancellationToken cancellationToken = default) =>
        (await servers.StatusAsync(cancellationToken).ConfigureAwait(false)).Peers;
}
