namespace Mesh.Server.Connect;

/// <summary>The SPIFFE identities Consul puts in its certificates' URI SANs.</summary>
public static class SpiffeIds
{
    /// <summary>The CA's own identity: <c>spiffe://&lt;trust domain&gt;</c>.</summary>
    public static string Signing(string trustDomain) => $"spiffe://{trustDomain}";

    /// <summary>A service's identity: <c>spiffe://&lt;trust domain&gt;/ns/default/dc/&lt;dc&gt;/svc/&lt;service&gt;</c>.</summary>
    public static string Service(string trustDomain, string datacenter, string service) =>
        $"spiffe://{trustDomain}/ns/default/dc/{Uri.EscapeDataString(datacenter)}/svc/{Uri.EscapeDataString(service)}";
}
