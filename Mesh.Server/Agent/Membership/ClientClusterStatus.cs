namespace Mesh.Server.Agent.Membership;

/// <summary>A client agent's view of the servers: the ones gossip shows alive in its datacenter.</summary>
public sealed class ClientClusterStatus(IAgentMembership membership, string datacenter) : IClusterStatus
{
    public string Leader => membership.PickServer() ?? "";

    public IReadOnlyList<string> Peers =>
    [
        .. membership.Members()
            .Where(m => m.Status == MemberStatus.Alive && MemberTags.IsServerOf(m.Tags, datacenter))
            .Select(m => $"{m.Addr}:{m.Tags[MemberTags.Port]}"),
    ];

    public bool KnownLeader => Leader.Length > 0;

    public TimeSpan LastContact => TimeSpan.Zero;
}
