using System.Collections.Immutable;
using Mesh.Connect.Intentions;
using Mesh.Connect.Proxy;
using Mesh.Server.State;
using Mesh.Server.State.ConnectCa;

namespace Mesh.Server.Connect.Proxy;

/// <summary>What a <see cref="ProxyWatch"/> knows so far; a snapshot once every part has arrived.</summary>
internal sealed record ProxyParts(
    ProxyRegistration? Proxy,
    IReadOnlyList<Intention>? Intentions,
    ConnectCaState? Ca,
    LeafCertificate? Leaf,
    ImmutableDictionary<string, DestinationSidecars> Instances)
{
    public static readonly ProxyParts Empty = new(null, null, null, null, ImmutableDictionary<string, DestinationSidecars>.Empty);

    public ProxyParts WithInstances(string destination, DestinationSidecars sidecars) =>
        this with { Instances = Instances.SetItem(destination, sidecars) };

    public ProxySnapshot? ToSnapshot(ProxyWatchOptions options)
    {
        if (Proxy is null || Intentions is null || Ca is not { Roots.Count: > 0 } ca || Leaf is null
            || Proxy.Upstreams.Any(u => !Instances.ContainsKey(u.DestinationName)))
        {
            return null;
        }
        return new ProxySnapshot
        {
            ProxyId = Proxy.ProxyId,
            Service = Proxy.DestinationName,
            ServiceId = Proxy.DestinationId,
            Datacenter = options.Datacenter,
            TrustDomain = ca.TrustDomain,
            Public = Proxy.Public,
            LocalApp = Proxy.LocalApp,
            Protocol = Proxy.Protocol,
            Upstreams = [.. Proxy.Upstreams.Select(u => new ProxyUpstream(
                u.DestinationName,
                u.LocalBindAddress,
                u.LocalBindPort,
                u.Datacenter.Length > 0 ? u.Datacenter : options.Datacenter,
                [.. Instances[u.DestinationName].Healthy.Select(Instance)],
                u.Protocol ?? Instances[u.DestinationName].Protocol))],
            Intentions = Intentions,
            DefaultAllow = options.DefaultAllow,
            Leaf = new ProxyLeaf(Leaf.CertPEM, Leaf.PrivateKeyPEM, Leaf.SerialNumber, Leaf.ValidBefore),
            Roots = [.. ca.Roots.Select(r => r.RootCert)],
        };
    }

    private static UpstreamInstance Instance(ServiceEntry entry) => new(
        entry.Service.ID,
        entry.Node.Node,
        entry.Service.Address.Length > 0 ? entry.Service.Address : entry.Node.Address,
        entry.Service.Port);
}

/// <summary>
/// What the catalog says of an upstream's destination: its healthy sidecars, and the protocol its sidecars are
/// registered with (<c>Proxy.Config["protocol"]</c>), which is what their inbound listeners speak.
/// </summary>
internal sealed record DestinationSidecars(IReadOnlyList<ServiceEntry> Healthy, string Protocol)
{
    /// <param name="all">Every registered sidecar, healthy or not, so that the protocol does not flap with health.</param>
    /// <remarks>
    /// Sidecars that disagree (a rolling change) or none at all give tcp: a byte relay carries whatever the
    /// destination speaks, HTTP included, where an HTTP listener could not carry a tcp destination's bytes.
    /// </remarks>
    public static DestinationSidecars From(IReadOnlyList<ServiceEntry> all, IReadOnlyList<ServiceEntry> healthy)
    {
        var protocols = all.Select(e => ProxyRegistration.ProtocolOf(e.Service.Proxy)).Distinct().ToList();
        return new DestinationSidecars(healthy, protocols is [var only] ? only : ProxyProtocols.Tcp);
    }
}
