using System.Net;
using Mesh.Connect.Proxy;
using Mesh.Sidecar.Inbound;
using Mesh.Sidecar.Outbound;

namespace Mesh.Sidecar.Config;

/// <summary>
/// Everything derived from one snapshot, swapped whole: a request reads <see cref="ProxyStateHolder.Current"/> once
/// and sees one consistent configuration.
/// </summary>
public sealed class ProxyState(ProxySnapshot snapshot, UpstreamInvoker outbound, IReadOnlyDictionary<int, UpstreamRoute> routes)
{
    public ProxySnapshot Snapshot { get; } = snapshot;

    /// <summary>The pooled mTLS client of this snapshot's leaf and roots, shared with snapshots that keep them.</summary>
    public UpstreamInvoker Outbound { get; } = outbound;

    public Tls.TlsMaterial Tls => Outbound.Tls;

    /// <summary>Upstreams by local bind port.</summary>
    public IReadOnlyDictionary<int, UpstreamRoute> Routes { get; } = routes;

    public InboundAuthorizer Authorizer { get; } = new(snapshot);

    /// <summary>Where the L4 relay connects to the local application.</summary>
    public DnsEndPoint LocalAppEndPoint { get; } = new(snapshot.LocalApp.Address.Length == 0 ? "127.0.0.1" : snapshot.LocalApp.Address, snapshot.LocalApp.Port);

    public string LocalAppPrefix { get; } = $"http://{(snapshot.LocalApp.Address.Length == 0 ? "127.0.0.1" : snapshot.LocalApp.Address)}:{snapshot.LocalApp.Port}/";
}
