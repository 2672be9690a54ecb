namespace Mesh.Connect;

/// <summary>The SPIFFE identities Consul puts in its certificates' URI SANs.</summary>
public static class SpiffeIds
{
    private const string DefaultNamespace = "default";

    /// <summary>The CA's own identity: <c>spiffe://&lt;trust domain&gt;</c>.</summary>
    public static string Signing(string trustDomain) => $"spiffe://{trustDomain}";

    /// <summary>A service's identity: <c>spiffe://&lt;trust domain&gt;/ns/default/dc/&lt;dc&gt;/svc/&lt;service&gt;</c>.</summary>
    public static string Service(string trustDomain, string datacenter, string service) =>
        $"spiffe://{trustDomain}/ns/default/dc/{Uri.EscapeDataString(datacenter)}/svc/{Uri.EscapeDataString(service)}";

    /// <summary>
    /// The service identity in <paramref name="uri"/> (with or without the default partition), or why it is not one,
    /// in Consul's words.
    /// </summary>
    public static SpiffeParse ParseService(string uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme != "spiffe" || parsed.Host.Length == 0)
        {
            return SpiffeParse.Invalid("ClientCertURI not a valid Connect identifier");
        }
        var segments = parsed.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        return segments switch
        {
            ["ns", DefaultNamespace, "dc", { Length: > 0 } dc, "svc", { Length: > 0 } service] => new(new SpiffeServiceId(parsed.Host, dc, service), null),
            ["ap", "default", "ns", DefaultNamespace, "dc", { Length: > 0 } dc, "svc", { Length: > 0 } service] => new(new SpiffeServiceId(parsed.Host, dc, service), null),
            ["ns", _, "dc", _, "svc", _] or ["ap", _, "ns", _, "dc", _, "svc", _] =>
                SpiffeParse.Invalid("ClientCertURI not a valid Service identifier: only the default namespace and partition exist"),
            _ when segments.Length > 0 && segments[0] is "agent" or "mesh" or "server" =>
                SpiffeParse.Invalid("ClientCertURI not a valid Service identifier"),
            _ => SpiffeParse.Invalid("ClientCertURI not a valid Connect identifier"),
        };
    }
}

/// <summary>A service's SPIFFE identity, its parts unescaped.</summary>
public sealed record SpiffeServiceId(string TrustDomain, string Datacenter, string Service);

/// <summary>Either the identity or the reason the URI is not a service identity.</summary>
public sealed record SpiffeParse(SpiffeServiceId? Id, string? Error)
{
    public static SpiffeParse Invalid(string error) => new(null, error);
}
