using Mesh.Server.Checks;
using Mesh.Server.State;

namespace Mesh.Server.Agent;

public sealed partial class LocalAgent
{
    /// <summary>Registers this node, its serfHealth check and, on a server, the "consul" service.</summary>
    public async Task RegisterNodeAsync(CancellationToken cancellationToken = default)
    {
        var serfHealth = new CatalogCheck
        {
            Node = NodeName,
            CheckID = SerfCheckId,
            Name = "Serf Health Status",
            Status = HealthStatus.Passing,
            Output = "Agent alive and reachable",
            Type = "serf",
        };
        await WriteAsync(new CatalogRegister(NodeRecord(), Checks: [serfHealth]), cancellationToken).ConfigureAwait(false);
        if (IsServer)
        {
            var consul = new CatalogService { Node = NodeName, ID = "consul", Service = "consul", Port = _options.ServerPort };
            await WriteAsync(new CatalogRegister(NodeRecord(), consul, SkipNodeUpdate: true), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Anti-entropy's removal half: deregisters what the catalog holds for this node that the agent does not
    /// (what an earlier run registered and this one no longer has).
    /// </summary>
    public async Task RemoveUnknownAsync(IReadOnlyList<CatalogService> catalogServices, IReadOnlyList<CatalogCheck> catalogChecks, CancellationToken cancellationToken = default)
    {
        foreach (var service in catalogServices.Where(s => s.ID != "consul" && Service(s.ID) is null))
        {
            await WriteAsync(new CatalogDeregister(NodeName, ServiceID: service.ID), cancellationToken).ConfigureAwait(false);
        }
        var known = Checks().Select(c => c.CheckID).Append(SerfCheckId).ToHashSet(StringComparer.Ordinal);
        foreach (var check in catalogChecks.Where(c => !known.Contains(c.CheckID)))
        {
            await WriteAsync(new CatalogDeregister(NodeName, CheckID: check.CheckID), cancellationToken).ConfigureAwait(false);
        }
    }

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

    private async Task WriteAsync(StateCommand command, CancellationToken cancellationToken)
    {
        var result = await _writer.ApplyAsync(command, cancellationToken).ConfigureAwait(false);
        if (result.Error is { } error)
        {
            throw new AgentException(500, error);
        }
    }
}
