using Mesh.Server.State;

namespace Mesh.Server.Http;

/// <summary>
/// Which instances a catalog/service, catalog/connect, health/service or health/connect read returns:
/// the service (or, for connect, the proxies in front of it and its connect-native instances), filtered by
/// ?tag (every tag must match, case-insensitively) and ?node-meta=key:value.
/// </summary>
internal sealed class ServiceSelection
{
    private const string ConnectProxyKind = "connect-proxy";

    private readonly string _service;
    private readonly bool _connect;
    private readonly IReadOnlyList<string> _tags;
    private readonly NodeMetaFilter _nodeMeta;

    public ServiceSelection(ConsulCall call, string service, bool connect)
    {
        _service = service;
        _connect = connect;
        _tags = call.All("tag");
        _nodeMeta = NodeMetaFilter.From(call);
    }

    /// <summary>Runs inside the store's read; the reader records what a blocking query must watch.</summary>
    public List<ServiceEntry> Read(StateReader reader)
    {
        var entries = _connect ? ConnectEntries(reader) : reader.ServiceEntries(_service);
        return [.. entries.Where(e => HasTags(e.Service) && _nodeMeta.Matches(e.Node))];
    }

    private IEnumerable<ServiceEntry> ConnectEntries(StateReader reader)
    {
        // The store has no index of proxies by destination, so this reads every service; the read therefore
        // also wakes on changes to any service (correct, if more often than needed).
        var matches = new List<ServiceEntry>();
        foreach (var name in reader.ServiceNames().Keys)
        {
            matches.AddRange(reader.ServiceEntries(name).Where(IsConnectFor));
        }
        return matches.OrderBy(e => e.Node.Node, StringComparer.OrdinalIgnoreCase).ThenBy(e => e.Service.ID, StringComparer.Ordinal);
    }

    private bool IsConnectFor(ServiceEntry entry)
    {
        var service = entry.Service;
        return service.Kind == ConnectProxyKind
            ? string.Equals(service.Proxy?.DestinationServiceName, _service, StringComparison.OrdinalIgnoreCase)
            : service.ConnectNative && string.Equals(service.Service, _service, StringComparison.OrdinalIgnoreCase);
    }

    private bool HasTags(CatalogService service) =>
        _tags.All(tag => service.Tags.Contains(tag, StringComparer.OrdinalIgnoreCase));
}

/// <summary>?node-meta=key:value (repeatable): only nodes carrying every pair.</summary>
internal sealed class NodeMetaFilter
{
    private static readonly NodeMetaFilter None = new([]);

    private readonly IReadOnlyList<KeyValuePair<string, string>> _pairs;

    private NodeMetaFilter(IReadOnlyList<KeyValuePair<string, string>> pairs) => _pairs = pairs;

    public static NodeMetaFilter From(ConsulCall call)
    {
        var values = call.All("node-meta");
        return values.Count == 0 ? None : new([.. values.Select(Parse)]);
    }

    public bool Matches(CatalogNode node) =>
        _pairs.All(pair => node.Meta.TryGetValue(pair.Key, out var value) && value == pair.Value);

    // Consul splits at the first colon; a pair without one asks for an empty value.
    private static KeyValuePair<string, string> Parse(string pair) => pair.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0
        ? new(pair[..colon], pair[(colon + 1)..])
        : new(pair, "");
}
