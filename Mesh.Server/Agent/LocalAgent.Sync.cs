using Mesh.Server.Agent.Membership;
using Mesh.Server.Checks;
using Mesh.Server.Rpc;
using Mesh.Server.State;
using Mesh.Server.State.Queries;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Agent;

// Anti-entropy: the catalog holds what this agent holds, whatever was lost on the way (a server that was
// unreachable, a restart that forgot registrations).
public sealed partial class LocalAgent
{
    private volatile bool _outOfSync = true;

    /// <summary>True when a write to the catalog could not be made and a full sync is due.</summary>
    public bool OutOfSync => _outOfSync;

    /// <summary>
    /// Writes this node and every local service and check to the catalog, and removes what the catalog holds for
    /// this node that the agent does not. Throws <see cref="NoServerException"/> when no server answers.
    /// </summary>
    public async Task SyncAllAsync(CancellationToken cancellationToken = default)
    {
        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ApplyOrThrowAsync(new CatalogRegister(NodeRecord(), Checks: ServerSerfHealth()), cancellationToken).ConfigureAwait(false);
            if (IsServer)
            {
                var consul = new CatalogService { Node = NodeName, ID = ConsulServiceId, Service = ConsulServiceId, Port = _options.ServerPort };
                await ApplyOrThrowAsync(new CatalogRegister(NodeRecord(), consul, SkipNodeUpdate: true), cancellationToken).ConfigureAwait(false);
            }
            var checks = Checks();
            foreach (var service in Services())
            {
                var own = checks.Where(c => c.ServiceID == service.ID).ToList();
                await ApplyOrThrowAsync(new CatalogRegister(NodeRecord(), service, own, SkipNodeUpdate: true), cancellationToken).ConfigureAwait(false);
            }
            var nodeChecks = checks.Where(c => c.ServiceID.Length == 0).ToList();
            if (nodeChecks.Count > 0)
            {
                await ApplyOrThrowAsync(new CatalogRegister(NodeRecord(), Checks: nodeChecks, SkipNodeUpdate: true), cancellationToken).ConfigureAwait(false);
            }
            await RemoveUnknownAsync(cancellationToken).ConfigureAwait(false);
            _outOfSync = false;
        }
        finally
        {
            _writes.Release();
        }
    }

    private const string ConsulServiceId = "consul";

    // What the catalog holds for this node that the agent does not (an earlier run's registrations).
    private async Task RemoveUnknownAsync(CancellationToken cancellationToken)
    {
        var node = await _reader.QueryAsync(new NodeQuery(NodeName), QueryOptions.Now, cancellationToken).ConfigureAwait(false);
        foreach (var service in node.Value.Services.Where(s => s.ID != ConsulServiceId && Service(s.ID) is null))
        {
            await ApplyOrThrowAsync(new CatalogDeregister(NodeName, ServiceID: service.ID), cancellationToken).ConfigureAwait(false);
        }
        var known = Checks().Select(c => c.CheckID).Append(SerfCheckId).ToHashSet(StringComparer.Ordinal);
        var catalogChecks = await _reader.QueryAsync(new NodeChecksQuery(NodeName), QueryOptions.Now, cancellationToken).ConfigureAwait(false);
        foreach (var check in catalogChecks.Value.Where(c => !known.Contains(c.CheckID)))
        {
            await ApplyOrThrowAsync(new CatalogDeregister(NodeName, CheckID: check.CheckID), cancellationToken).ConfigureAwait(false);
        }
    }

    // A server is its datacenter's leader until Raft elects one, so it vouches for its own liveness; for every
    // other node the leader's membership reconciliation writes serfHealth.
    private IReadOnlyList<CatalogCheck> ServerSerfHealth() => IsServer
        ?
        [
            new CatalogCheck
            {
                Node = NodeName,
                CheckID = SerfCheckId,
                Name = "Serf Health Status",
                Status = HealthStatus.Passing,
                Output = Cluster.LeaderDuties.AliveOutput,
                Type = "serf",
            },
        ]
        : [];

    private CatalogNode NodeRecord() => new()
    {
        ID = NodeId,
        Node = NodeName,
        Address = Address,
        Datacenter = Datacenter,
        TaggedAddresses = new Dictionary<string, string>
        {
            ["lan"] = Address,
            ["lan_ipv4"] = Address,
            ["wan"] = Address,
            ["wan_ipv4"] = Address,
        },
        Meta = new Dictionary<string, string>(_options.NodeMeta) { ["consul-network-segment"] = "" },
    };

    /// <summary>
    /// A registration's write to the catalog. Without a reachable server (a client agent whose servers are away)
    /// the local registration still stands, as Consul's does: the next anti-entropy sync writes it.
    /// </summary>
    private async Task WriteAsync(StateCommand command, CancellationToken cancellationToken)
    {
        try
        {
            await ApplyOrThrowAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (NoServerException ex)
        {
            _outOfSync = true;
            _logger.LogWarning("Catalog not updated, will sync later: {Error}", ex.Message);
        }
    }

    /// <summary>A registration from a config file is written by the first full sync, not at once.</summary>
    private bool DeferToSync(bool fromConfigFile)
    {
        if (fromConfigFile)
        {
            _outOfSync = true;
        }
        return fromConfigFile;
    }

    private async Task ApplyOrThrowAsync(StateCommand command, CancellationToken cancellationToken)
    {
        var result = await _writer.ApplyAsync(command, cancellationToken).ConfigureAwait(false);
        if (result.Error is { } error)
        {
            throw new AgentException(500, error);
        }
    }
}
