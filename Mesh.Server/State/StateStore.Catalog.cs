using System.Text.Json;
using Mesh.Server.Checks;

namespace Mesh.Server.State;

public sealed partial class StateStore
{
    private const string NodesTable = "nodes";
    private const string ServicesTable = "services";
    private const string ChecksTable = "checks";
    private const string ConnectProxyKind = "connect-proxy";

    private readonly SortedDictionary<string, CatalogNode> _nodes = new(StringComparer.OrdinalIgnoreCase);
    // node → service ID → instance; service IDs are unique per node only.
    private readonly Dictionary<string, SortedDictionary<string, CatalogService>> _services = new(StringComparer.OrdinalIgnoreCase);
    // node → check ID → check.
    private readonly Dictionary<string, SortedDictionary<string, CatalogCheck>> _checks = new(StringComparer.OrdinalIgnoreCase);
    // service name → nodes that run an instance of it (for catalog/service and health/service reads).
    private readonly Dictionary<string, HashSet<string>> _serviceNodes = new(StringComparer.OrdinalIgnoreCase);

    private static string ServiceIndexName(string service) => "service:" + service.ToLowerInvariant();

    private static string ConnectIndexName(string service) => "connect:" + service.ToLowerInvariant();

    private static string NodeIndexName(string node) => "node:" + node.ToLowerInvariant();

    private ApplyResult ApplyRegister(CatalogRegister register, ulong index, ChangeSet changes)
    {
        var node = register.Node;
        if (string.IsNullOrEmpty(node.Node))
        {
            return new ApplyResult(index, false, "Must provide node");
        }
        var nodeExists = _nodes.TryGetValue(node.Node, out var existingNode);
        if (!register.SkipNodeUpdate || !nodeExists)
        {
            if (string.IsNullOrEmpty(node.Address))
            {
                return new ApplyResult(index, false, "Must provide address");
            }
        }
        if (register.Service is { } service && string.IsNullOrEmpty(service.Service))
        {
            return new ApplyResult(index, false, "Must provide service name");
        }
        foreach (var check in register.Checks ?? [])
        {
            var ownService = register.Service is { } s && string.Equals(s.ID, check.ServiceID, StringComparison.Ordinal);
            if (check.ServiceID.Length > 0 && !ownService && FindService(node.Node, check.ServiceID) is null)
            {
                return new ApplyResult(index, false, $"Unknown service ID '{check.ServiceID}' for check ID '{check.CheckID}'");
            }
        }

        if (!register.SkipNodeUpdate || !nodeExists)
        {
            UpsertNode(node, existingNode, index, changes);
        }
        if (register.Service is { } instance)
        {
            UpsertService(instance with { Node = _nodes[node.Node].Node }, index, changes);
        }
        foreach (var check in register.Checks ?? [])
        {
            UpsertCheck(check with { Node = _nodes[node.Node].Node }, index, changes);
        }
        return new ApplyResult(index, true);
    }

    private void UpsertNode(CatalogNode node, CatalogNode? existing, ulong index, ChangeSet changes)
    {
        if (existing is not null && SameContent(existing with { CreateIndex = 0, ModifyIndex = 0 }, node with { CreateIndex = 0, ModifyIndex = 0 }))
        {
            return;
        }
        _nodes[node.Node] = node with { CreateIndex = existing?.CreateIndex ?? index, ModifyIndex = index };
        BumpTable(NodesTable, index);
        NodeChanged(node.Node, index, changes);
        changes.Add(WatchKey.Nodes);
        // Service reads carry the node's address, so every service on the node sees the change.
        foreach (var service in ServicesOf(node.Node))
        {
            InstanceChanged(service, index, changes);
        }
    }

    private void UpsertService(CatalogService service, ulong index, ChangeSet changes)
    {
        var existing = FindService(service.Node, service.ID);
        var normalized = service with { CreateIndex = 0, ModifyIndex = 0 };
        if (existing is not null && SameContent(existing with { CreateIndex = 0, ModifyIndex = 0 }, normalized))
        {
            return;
        }
        PutService(service with { CreateIndex = existing?.CreateIndex ?? index, ModifyIndex = index });
        if (existing is not null && !string.Equals(existing.Service, service.Service, StringComparison.OrdinalIgnoreCase))
        {
            // Another instance on the node may still carry the old name.
            if (!ServicesOf(service.Node).Any(s => string.Equals(s.Service, existing.Service, StringComparison.OrdinalIgnoreCase)))
            {
                ForgetServiceNode(existing.Service, service.Node);
            }
        }
        if (existing is not null)
        {
            // What the old registration was read by (its name, the service it fronted) sees it change too.
            InstanceChanged(existing, index, changes);
        }
        RefreshServiceChecks(service, index);
        BumpTable(ServicesTable, index);
        changes.Add(WatchKey.Services);
        InstanceChanged(service, index, changes);
        NodeChanged(service.Node, index, changes);
    }

    private void UpsertCheck(CatalogCheck check, ulong index, ChangeSet changes)
    {
        // A service check carries its service's name and tags, as Consul denormalizes them.
        if (check.ServiceID.Length > 0 && FindService(check.Node, check.ServiceID) is { } service)
        {
            check = check with { ServiceName = service.Service, ServiceTags = service.Tags };
        }
        var existing = FindCheck(check.Node, check.CheckID);
        if (existing is not null && SameContent(existing with { CreateIndex = 0, ModifyIndex = 0 }, check with { CreateIndex = 0, ModifyIndex = 0 }))
        {
            return;
        }
        PutCheck(check with { CreateIndex = existing?.CreateIndex ?? index, ModifyIndex = index });
        CheckChanged(check, index, changes);
        if (check.Status == HealthStatus.Critical)
        {
            CheckFailed(check.Node, check.CheckID, index, changes);
        }
        if (existing is not null && existing.ServiceID != check.ServiceID)
        {
            CheckChanged(existing, index, changes);
        }
    }

    // A service's checks carry its name and tags; a re-registration with new ones must not leave them stale.
    private void RefreshServiceChecks(CatalogService service, ulong index)
    {
        if (!_checks.TryGetValue(service.Node, out var onNode))
        {
            return;
        }
        foreach (var check in onNode.Values.Where(c => c.ServiceID == service.ID).ToList())
        {
            if (check.ServiceName != service.Service || !check.ServiceTags.SequenceEqual(service.Tags))
            {
                onNode[check.CheckID] = check with { ServiceName = service.Service, ServiceTags = service.Tags, ModifyIndex = index };
                BumpTable(ChecksTable, index);
            }
        }
    }

    private ApplyResult ApplyCheckStatus(CheckStatusUpdate update, ulong index, ChangeSet changes)
    {
        if (FindCheck(update.Node, update.CheckID) is not { } check)
        {
            return new ApplyResult(index, false, $"Unknown check ID '{update.CheckID}' on node '{update.Node}'");
        }
        if (check.Status == update.Status && check.Output == update.Output)
        {
            return new ApplyResult(index, true);
        }
        _checks[check.Node][check.CheckID] = check with { Status = update.Status, Output = update.Output, ModifyIndex = index };
        CheckChanged(check, index, changes);
        if (update.Status == HealthStatus.Critical)
        {
            CheckFailed(check.Node, check.CheckID, index, changes);
        }
        return new ApplyResult(index, true);
    }

    private ApplyResult ApplyDeregister(CatalogDeregister deregister, ulong index, ChangeSet changes)
    {
        if (!_nodes.TryGetValue(deregister.Node, out var node))
        {
            // Removing what is not there is not an error (Consul answers true).
            return new ApplyResult(index, true);
        }
        if (deregister.ServiceID is { Length: > 0 } serviceId)
        {
            RemoveService(node.Node, serviceId, index, changes);
        }
        else if (deregister.CheckID is { Length: > 0 } checkId)
        {
            RemoveCheck(node.Node, checkId, index, changes);
        }
        else
        {
            foreach (var service in ServicesOf(node.Node).ToList())
            {
                RemoveService(node.Node, service.ID, index, changes);
            }
            foreach (var check in ChecksOf(node.Node).ToList())
            {
                RemoveCheck(node.Node, check.CheckID, index, changes);
            }
            NodeRemoved(node.Node, index, changes);
            _nodes.Remove(node.Node);
            _services.Remove(node.Node);
            _checks.Remove(node.Node);
            BumpTable(NodesTable, index);
            changes.Add(WatchKey.Nodes);
            NodeChanged(node.Node, index, changes);
        }
        return new ApplyResult(index, true);
    }

    private void RemoveService(string node, string serviceId, ulong index, ChangeSet changes)
    {
        if (FindService(node, serviceId) is not { } service)
        {
            return;
        }
        foreach (var check in ChecksOf(node).Where(c => c.ServiceID == serviceId).ToList())
        {
            RemoveCheck(node, check.CheckID, index, changes);
        }
        _services[node].Remove(serviceId);
        if (!ServicesOf(node).Any(s => string.Equals(s.Service, service.Service, StringComparison.OrdinalIgnoreCase)))
        {
            ForgetServiceNode(service.Service, node);
        }
        BumpTable(ServicesTable, index);
        changes.Add(WatchKey.Services);
        InstanceChanged(service, index, changes);
        NodeChanged(node, index, changes);
    }

    private void RemoveCheck(string node, string checkId, ulong index, ChangeSet changes)
    {
        if (FindCheck(node, checkId) is { } check)
        {
            _checks[node].Remove(checkId);
            CheckChanged(check, index, changes);
            CheckFailed(node, checkId, index, changes);
        }
    }

    // The one place an instance enters the tables (a write, or a snapshot being restored).
    private void PutService(CatalogService service)
    {
        if (!_services.TryGetValue(service.Node, out var onNode))
        {
            _services[service.Node] = onNode = new(StringComparer.Ordinal);
        }
        onNode[service.ID] = service;
        if (!_serviceNodes.TryGetValue(service.Service, out var nodes))
        {
            _serviceNodes[service.Service] = nodes = new(StringComparer.OrdinalIgnoreCase);
        }
        nodes.Add(service.Node);
    }

    private void PutCheck(CatalogCheck check)
    {
        if (!_checks.TryGetValue(check.Node, out var onNode))
        {
            _checks[check.Node] = onNode = new(StringComparer.Ordinal);
        }
        onNode[check.CheckID] = check;
    }

    private void ForgetServiceNode(string service, string node)
    {
        if (_serviceNodes.TryGetValue(service, out var nodes) && nodes.Remove(node) && nodes.Count == 0)
        {
            _serviceNodes.Remove(service);
        }
    }

    private void CheckChanged(CatalogCheck check, ulong index, ChangeSet changes)
    {
        BumpTable(ChecksTable, index);
        changes.Add(WatchKey.Checks);
        NodeChanged(check.Node, index, changes);
        if (check.ServiceID.Length > 0)
        {
            if (FindService(check.Node, check.ServiceID) is { } service)
            {
                InstanceChanged(service, index, changes);
            }
            else if (check.ServiceName.Length > 0)
            {
                ServiceNameChanged(check.ServiceName, index, changes);
            }
        }
        else
        {
            // A node check decides the health of every service on the node.
            foreach (var service in ServicesOf(check.Node))
            {
                InstanceChanged(service, index, changes);
            }
        }
    }

    // An instance is read by its service's name and, for a sidecar or a connect-native service, by the
    // connect reads of the service it fronts.
    private void InstanceChanged(CatalogService service, ulong index, ChangeSet changes)
    {
        ServiceNameChanged(service.Service, index, changes);
        if (ConnectTarget(service) is { } target)
        {
            BumpTable(ConnectIndexName(target), index);
            changes.Add(WatchKey.Connect(target));
        }
    }

    /// <summary>The service whose mesh traffic this instance accepts, if any.</summary>
    private static string? ConnectTarget(CatalogService service) =>
        service.Kind == ConnectProxyKind ? service.Proxy?.DestinationServiceName
        : service.ConnectNative ? service.Service
        : null;

    private void ServiceNameChanged(string service, ulong index, ChangeSet changes)
    {
        BumpTable(ServiceIndexName(service), index);
        changes.Add(WatchKey.Service(service));
    }

    private void NodeChanged(string node, ulong index, ChangeSet changes)
    {
        BumpTable(NodeIndexName(node), index);
        changes.Add(WatchKey.Node(node));
    }

    private CatalogService? FindService(string node, string serviceId) =>
        _services.TryGetValue(node, out var onNode) && onNode.TryGetValue(serviceId, out var service) ? service : null;

    private CatalogCheck? FindCheck(string node, string checkId) =>
        _checks.TryGetValue(node, out var onNode) && onNode.TryGetValue(checkId, out var check) ? check : null;

    private IEnumerable<CatalogService> ServicesOf(string node) =>
        _services.TryGetValue(node, out var onNode) ? onNode.Values : [];

    private IEnumerable<CatalogCheck> ChecksOf(string node) =>
        _checks.TryGetValue(node, out var onNode) ? onNode.Values : [];

    // Records holding lists and maps compare those by reference; content equality is what "no change" means.
    private static bool SameContent<T>(T left, T right) =>
        JsonSerializer.SerializeToUtf8Bytes(left, StateJson.Options).AsSpan()
            .SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(right, StateJson.Options));
}
