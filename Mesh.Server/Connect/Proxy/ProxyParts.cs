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
    ImmutableDictionary<string, IReadOnlyList<ServiceEntry>> Instances)
{
    public static readonly ProxyParts Empty = new(null, null, null, null, ImmutableDictionary<string, IReadOnlyList<ServiceEntry>>.Empty);

    public ProxyParts WithInstances(string destination, IReadOnlyList<ServiceEntry> healthy) =>
        this with { Instances = Instances.SetItem(destination, healthy) };

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
            Upstreams = [.. Proxy.Upstreams.Select(u => new ProxyUpstream(
                u.DestinationName,
                u.LocalBindAddress,
                u.LocalBindPort,
                u.Datacenter.Length > 0 ? u.Datacenter : options.Datacenter,
                [.. Instances[u.DestinationName].Select(Instance)]))],
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
