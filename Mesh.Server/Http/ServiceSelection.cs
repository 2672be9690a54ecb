using Mesh.Server.State;
using Mesh.Server.State.Queries;

namespace Mesh.Server.Http;

/// <summary>
/// Which instances a catalog/service, catalog/connect, health/service or health/connect read returns:
/// the service (or, for connect, the proxies in front of it and its connect-native instances), filtered by
/// ?tag (every tag must match, case-insensitively) and ?node-meta=key:value.
/// </summary>
internal sealed class ServiceSelection
{
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

    public async Task<List<ServiceEntry>> ReadAsync(ConsulCall call)
    {
        var entries = await call.ReadAsync(new ServiceEntriesQuery(_service, _connect)).ConfigureAwait(false);
        return [.. entries.Where(e => HasTags(e.Service) && _nodeMeta.Matches(e.Node))];
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
