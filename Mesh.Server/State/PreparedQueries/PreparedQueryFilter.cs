using Mesh.Server.Checks;

namespace Mesh.Server.State.PreparedQueries;

/// <summary>
/// Which instances an executed prepared query answers with, as Consul's PreparedQuery.Execute picks them: healthy
/// ones (ignoring the query's IgnoreCheckIDs), with the node and service metadata asked for, carrying every tag and
/// none of the "!tag" ones; shuffled, the near node first, cut at the limit.
/// </summary>
public static class PreparedQueryFilter
{
    /// <summary>
    /// The node to put first for a Near value: "_agent" is the answering agent's node; "_ip" would need the source
    /// address mapped to a node, which Consul skips without one, so none.
    /// </summary>
    public static string Near(string near, string agentNode) => near switch
    {
        "_agent" => agentNode,
        "_ip" => "",
        _ => near,
    };

    /// <param name="near">A node name to put first when it is among the results ("" for none).</param>
    /// <param name="limit">At most this many (0 or less: all).</param>
    public static List<ServiceEntry> Select(PreparedQueryService service, IEnumerable<ServiceEntry> entries, string near, int limit)
    {
        ArgumentNullException.ThrowIfNull(service);
        var selected = entries
            .Where(e => Healthy(e, service) && MetaMatches(e.Node.Meta, service.NodeMeta) && MetaMatches(e.Service.Meta, service.ServiceMeta))
            .Where(e => HasTags(e.Service, service.Tags))
            .ToArray();
        Random.Shared.Shuffle(selected);
        // Without network coordinates there is no distance sort: only the node asked for goes first, as Consul does
        // after sorting.
        var nearIndex = near.Length == 0 ? -1 : Array.FindIndex(selected, e => string.Equals(e.Node.Node, near, StringComparison.OrdinalIgnoreCase));
        if (nearIndex > 0)
        {
            (selected[0], selected[nearIndex]) = (selected[nearIndex], selected[0]);
        }
        return limit > 0 && selected.Length > limit ? [.. selected[..limit]] : [.. selected];
    }

    // Consul's FilterIgnore: any critical check drops the instance, any warning too with OnlyPassing.
    private static bool Healthy(ServiceEntry entry, PreparedQueryService service) => entry.Checks
        .Where(c => !service.IgnoreCheckIDs.Contains(c.CheckID, StringComparer.Ordinal))
        .All(c => c.Status == HealthStatus.Passing || (c.Status == HealthStatus.Warning && !service.OnlyPassing));

    private static bool MetaMatches(Dictionary<string, string> meta, Dictionary<string, string> filters) =>
        filters.All(f => meta.TryGetValue(f.Key, out var value) && value == f.Value);

    // Tags compare case-insensitively; "!tag" forbids one.
    private static bool HasTags(CatalogService service, List<string> tags) => tags.All(tag => tag.StartsWith('!')
        ? !service.Tags.Contains(tag[1..], StringComparer.OrdinalIgnoreCase)
        : service.Tags.Contains(tag, StringComparer.OrdinalIgnoreCase));
}
