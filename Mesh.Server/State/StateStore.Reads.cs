namespace Mesh.Server.State;

// The read side of the store. Callers hold _gate (StateReader exists only inside QueryAsync's lock).
public sealed partial class StateStore
{
    internal KvEntry? ReadKv(StateReader reader, string key)
    {
        var found = _kv.TryGetValue(key, out var entry);
        reader.Touch(WatchKey.KvKey(key), found ? entry.ModifyIndex : TableIndex(KvTable));
        return found ? entry : null;
    }

    internal IReadOnlyList<KvEntry> ReadKvPrefix(StateReader reader, string prefix)
    {
        var entries = _kv.WithPrefix(prefix).Select(e => e.Value).ToList();
        var index = entries.Count == 0 ? 0 : entries.Max(e => e.ModifyIndex);
        foreach (var tombstone in _tombstones.WithPrefix(prefix))
        {
            index = Math.Max(index, tombstone.Value);
        }
        reader.Touch(WatchKey.KvPrefix(prefix), index == 0 ? TableIndex(KvTable) : index);
        return entries;
    }

    internal IReadOnlyList<CatalogNode> ReadNodes(StateReader reader)
    {
        reader.Touch(WatchKey.Nodes, TableIndex(NodesTable));
        return [.. _nodes.Values];
    }

    internal CatalogNode? ReadNode(StateReader reader, string name)
    {
        reader.Touch(WatchKey.Node(name), NodeIndex(name));
        return _nodes.GetValueOrDefault(name);
    }

    internal IReadOnlyList<CatalogService> ReadNodeServices(StateReader reader, string node)
    {
        reader.Touch(WatchKey.Node(node), NodeIndex(node));
        return [.. ServicesOf(node)];
    }

    internal IReadOnlyList<CatalogCheck> ReadNodeChecks(StateReader reader, string node)
    {
        reader.Touch(WatchKey.Node(node), NodeIndex(node));
        return [.. ChecksOf(node)];
    }

    internal IReadOnlyDictionary<string, IReadOnlyList<string>> ReadServiceNames(StateReader reader)
    {
        reader.Touch(WatchKey.Services, TableIndex(ServicesTable));
        var names = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var service in _services.Values.SelectMany(onNode => onNode.Values))
        {
            if (!names.TryGetValue(service.Service, out var tags))
            {
                names[service.Service] = tags = new(StringComparer.Ordinal);
            }
            tags.UnionWith(service.Tags);
        }
        return names.ToDictionary(n => n.Key, n => (IReadOnlyList<string>)[.. n.Value], StringComparer.Ordinal);
    }

    internal IReadOnlyList<ServiceEntry> ReadServiceEntries(StateReader reader, string service)
    {
        reader.Touch(WatchKey.Service(service), ServiceIndex(service));
        if (!_serviceNodes.TryGetValue(service, out var nodes))
        {
            return [];
        }
        return [.. nodes.Order(StringComparer.OrdinalIgnoreCase)
            .SelectMany(ServicesOf)
            .Where(s => string.Equals(s.Service, service, StringComparison.OrdinalIgnoreCase))
            .Select(Entry)];
    }

    internal IReadOnlyList<ServiceEntry> ReadConnectEntries(StateReader reader, string service)
    {
        var index = _indexes.TryGetValue(ConnectIndexName(service), out var connect) ? connect : Math.Max(TableIndex(NodesTable), TableIndex(ServicesTable));
        reader.Touch(WatchKey.Connect(service), index);
        return [.. _services.Values
            .SelectMany(onNode => onNode.Values)
            .Where(s => string.Equals(ConnectTarget(s), service, StringComparison.OrdinalIgnoreCase))
            .OrderBy(s => s.Node, StringComparer.OrdinalIgnoreCase)
            .ThenBy(s => s.ID, StringComparer.Ordinal)
            .Select(Entry)];
    }

    internal IReadOnlyList<CatalogCheck> ReadServiceChecks(StateReader reader, string service)
    {
        reader.Touch(WatchKey.Service(service), ServiceIndex(service));
        if (!_serviceNodes.TryGetValue(service, out var nodes))
        {
            return [];
        }
        return [.. nodes.Order(StringComparer.OrdinalIgnoreCase)
            .SelectMany(ChecksOf)
            .Where(c => string.Equals(c.ServiceName, service, StringComparison.OrdinalIgnoreCase))];
    }

    internal IReadOnlyList<CatalogCheck> ReadAllChecks(StateReader reader)
    {
        reader.Touch(WatchKey.Checks, TableIndex(ChecksTable));
        return [.. _nodes.Keys.SelectMany(ChecksOf)];
    }

    private ServiceEntry Entry(CatalogService service) =>
        new(_nodes[service.Node], service, [.. ChecksOf(service.Node).Where(c => c.ServiceID.Length == 0 || c.ServiceID == service.ID)]);

    // A name never seen falls back to its table's index, as Consul's maxIndexForService does.
    private ulong ServiceIndex(string service) =>
        _indexes.TryGetValue(ServiceIndexName(service), out var index) ? index : Math.Max(TableIndex(NodesTable), TableIndex(ServicesTable));

    private ulong NodeIndex(string node) =>
        _indexes.TryGetValue(NodeIndexName(node), out var index) ? index : TableIndex(NodesTable);
}
