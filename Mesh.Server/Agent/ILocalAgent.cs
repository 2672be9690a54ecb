using Mesh.Server.Config;
using Mesh.Server.Gossip;
using Mesh.Server.State;

namespace Mesh.Server.Agent;

/// <summary>
/// The agent's own services and checks (what /v1/agent/* serves), kept in sync with the catalog.
/// Registration errors are <see cref="AgentException"/>s carrying the HTTP status to answer.
/// </summary>
public interface ILocalAgent
{
    string NodeName { get; }
    string NodeId { get; }
    string Datacenter { get; }
    /// <summary>The address the node is registered with in the catalog.</summary>
    string Address { get; }
    bool IsServer { get; }

    /// <summary>The resolved agent configuration, as /v1/agent/self's "Config" and "DebugConfig" show it.</summary>
    IReadOnlyDictionary<string, object?> SelfConfig { get; }

    IReadOnlyList<CatalogService> Services();
    CatalogService? Service(string id);
    IReadOnlyList<CatalogCheck> Checks();

    /// <summary>Registers (or replaces) a service with its checks and, for <c>connect.sidecar_service</c>, its sidecar.</summary>
    Task RegisterServiceAsync(ServiceDefinition service, CancellationToken cancellationToken = default);

    /// <summary>Removes a service, its checks and its sidecar. Unknown ID: 404.</summary>
    Task DeregisterServiceAsync(string serviceId, CancellationToken cancellationToken = default);

    Task RegisterCheckAsync(CheckDefinition check, CancellationToken cancellationToken = default);

    /// <summary>Unknown ID: 404.</summary>
    Task DeregisterCheckAsync(string checkId, CancellationToken cancellationToken = default);

    /// <summary>pass/warn/fail/update of a TTL check. Unknown or non-TTL check: an AgentException.</summary>
    Task UpdateTtlAsync(string checkId, string status, string output, CancellationToken cancellationToken = default);

    IReadOnlyList<GossipMember> Members();

    /// <summary>Joins the LAN pool through the members at these addresses (/v1/agent/join); returns how many answered.</summary>
    Task<int> JoinAsync(IReadOnlyList<string> addresses, CancellationToken cancellationToken = default);

    /// <summary>Removes a failed member (/v1/agent/force-leave).</summary>
    Task ForceLeaveAsync(string node, CancellationToken cancellationToken = default);

    /// <summary>Gracefully leaves the cluster; the process then shuts down.</summary>
    Task LeaveAsync(CancellationToken cancellationToken = default);

    /// <summary>Lists or changes the gossip keyring of every member of the LAN pool (/v1/operator/keyring).</summary>
    Task<KeyringResponse> KeyringAsync(KeyringOperation operation, string? key, int relayFactor, CancellationToken cancellationToken = default);
}
