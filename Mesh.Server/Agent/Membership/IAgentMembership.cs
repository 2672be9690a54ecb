using Mesh.Server.Gossip;

namespace Mesh.Server.Agent.Membership;

/// <summary>The agent's view of the LAN pool: who is out there, joining, leaving.</summary>
public interface IAgentMembership
{
    IReadOnlyList<GossipMember> Members();

    /// <summary>The RPC address ("ip:port") of an alive server of this datacenter, or null when none is known.</summary>
    string? PickServer();

    /// <summary>Joins the members at these gossip addresses; returns how many answered.</summary>
    Task<int> JoinAsync(IReadOnlyList<string> addresses, CancellationToken cancellationToken = default);

    /// <summary>Marks a failed member as left, so that the catalog drops it (Consul's force-leave).</summary>
    Task ForceLeaveAsync(string node, CancellationToken cancellationToken = default);

    /// <summary>Tells the pool this agent is leaving, and waits until the news went out.</summary>
    Task LeaveAsync(CancellationToken cancellationToken = default);

    /// <summary>Lists or changes the gossip keyring of every member (/v1/operator/keyring); the answer carries the errors.</summary>
    Task<KeyringResponse> KeyringAsync(KeyringOperation operation, string? key, int relayFactor, CancellationToken cancellationToken = default);
}
