using System.Net;
using Mesh.Connect.Proxy;

namespace Mesh.Sidecar.Outbound;

/// <summary>One destination sidecar, kept across snapshots so that its passive-health state survives them.</summary>
public sealed class UpstreamEndpoint(UpstreamInstance instance)
{
    private long _ejectedUntil;

    public string Key { get; } = $"{instance.Address}:{instance.Port}";

    /// <summary>The forwarder's destination prefix; plain http because <see cref="MeshConnector"/> does the TLS.</summary>
    public string Prefix { get; } = $"http://{(instance.Address.Contains(':', StringComparison.Ordinal) ? $"[{instance.Address}]" : instance.Address)}:{instance.Port}/";

    /// <summary>Where the L4 relay connects.</summary>
    public EndPoint EndPoint { get; } = IPAddress.TryParse(instance.Address, out var ip) ? new IPEndPoint(ip, instance.Port) : new DnsEndPoint(instance.Address, instance.Port);

    public UpstreamInstance Instance { get; } = instance;

    public bool IsEjected(long now) => Volatile.Read(ref _ejectedUntil) > now;

    public void Eject(long until) => Volatile.Write(ref _ejectedUntil, until);
}
