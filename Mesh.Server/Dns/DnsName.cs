namespace Mesh.Server.Dns;

/// <summary>What a name inside the agent's domain asks for.</summary>
internal enum DnsLookupKind
{
    /// <summary>The domain itself (its SOA and NS).</summary>
    Apex,
    Service,
    Connect,
    Node,
    Addr,
    /// <summary>A prepared query, by name or ID.</summary>
    Query,
}

/// <summary>
/// A name in the domain, split the way Consul reads it: <c>[parts].&lt;kind&gt;[.&lt;datacenter&gt;].&lt;domain&gt;</c>,
/// lower-cased (DNS names are case-insensitive).
/// </summary>
internal sealed record DnsName(DnsLookupKind Kind, IReadOnlyList<string> Parts, string? Datacenter)
{
    private static readonly Dictionary<string, DnsLookupKind> Kinds = new(StringComparer.Ordinal)
    {
        ["service"] = DnsLookupKind.Service,
        ["connect"] = DnsLookupKind.Connect,
        ["node"] = DnsLookupKind.Node,
        ["addr"] = DnsLookupKind.Addr,
        ["query"] = DnsLookupKind.Query,
    };

    /// <summary>Whether <paramref name="name"/> lies in <paramref name="domain"/> (both lower case, ending in ".").</summary>
    public static bool InDomain(string name, string domain) =>
        name == domain || name.EndsWith("." + domain, StringComparison.Ordinal);

    /// <summary>The lookup a name in the domain asks for; null when it names nothing the agent knows how to answer.</summary>
    public static DnsName? Parse(string name, string domain)
    {
        if (name == domain)
        {
            return new DnsName(DnsLookupKind.Apex, [], null);
        }
        var labels = name[..^(domain.Length + 1)].Split('.');
        if (labels.Length >= 2 && Kinds.TryGetValue(labels[^1], out var kind))
        {
            return new DnsName(kind, labels[..^1], null);
        }
        // The kind may be followed by a datacenter ("web.service.dc1.consul.").
        return labels.Length >= 3 && Kinds.TryGetValue(labels[^2], out kind)
            ? new DnsName(kind, labels[..^2], labels[^1])
            : null;
    }
}
