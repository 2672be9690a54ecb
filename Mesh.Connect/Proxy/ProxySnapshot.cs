using Mesh.Connect.Intentions;

namespace Mesh.Connect.Proxy;

/// <summary>
/// What a sidecar asks the agent for: the configuration of the proxy registered as <paramref name="ProxyId"/>, or of
/// the one registered as the sidecar of service instance <paramref name="SidecarFor"/> (<c>-sidecar-for</c>).
/// </summary>
public sealed record ProxyWatchRequest(string? ProxyId = null, string? SidecarFor = null);

/// <summary>
/// Everything one sidecar needs, whole: the agent sends a new snapshot whenever any part changes, so the sidecar
/// swaps its configuration atomically instead of applying deltas.
/// </summary>
public sealed record ProxySnapshot
{
    /// <summary>Grows with every snapshot the agent sends on a stream.</summary>
    public ulong Version { get; init; }

    public required string ProxyId { get; init; }

    /// <summary>The service the proxy fronts; its leaf certificate carries this service's identity.</summary>
    public required string Service { get; init; }

    public required string ServiceId { get; init; }

    public required string Datacenter { get; init; }

    public required string TrustDomain { get; init; }

    /// <summary>The mTLS listener other sidecars connect to.</summary>
    public required ProxyEndpoint Public { get; init; }

    /// <summary>The local application the inbound side forwards to.</summary>
    public required ProxyEndpoint LocalApp { get; init; }

    /// <summary>How the public listener proxies (<see cref="ProxyProtocols"/>): the sidecar registration's <c>Proxy.Config["protocol"]</c>.</summary>
    public string Protocol { get; init; } = ProxyProtocols.Tcp;

    public IReadOnlyList<ProxyUpstream> Upstreams { get; init; } = [];

    /// <summary>The intentions whose destination is <see cref="Service"/> or the wildcard.</summary>
    public IReadOnlyList<Intention> Intentions { get; init; } = [];

    /// <summary>What happens when no intention matches (Consul's default intention policy).</summary>
    public bool DefaultAllow { get; init; } = true;

    public required ProxyLeaf Leaf { get; init; }

    /// <summary>PEM certificates of every root still trusted: the active one and those kept after a rotation.</summary>
    public required IReadOnlyList<string> Roots { get; init; }
}

public sealed record ProxyEndpoint(string Address, int Port);

/// <summary>An outbound listener on <see cref="LocalBindAddress"/>:<see cref="LocalBindPort"/> for one destination.</summary>
/// <param name="Instances">The healthy sidecars fronting the destination, which the listener balances over.</param>
/// <param name="Protocol">How the listener proxies (<see cref="ProxyProtocols"/>).</param>
public sealed record ProxyUpstream(
    string DestinationName,
    string LocalBindAddress,
    int LocalBindPort,
    string Datacenter,
    IReadOnlyList<UpstreamInstance> Instances,
    string Protocol = ProxyProtocols.Tcp);

/// <summary>One destination sidecar's public listener.</summary>
public sealed record UpstreamInstance(string ProxyServiceId, string Node, string Address, int Port);

/// <summary>The proxy's own certificate and key, PEM.</summary>
public sealed record ProxyLeaf(string CertPem, string PrivateKeyPem, string SerialNumber, DateTimeOffset ValidBefore);
