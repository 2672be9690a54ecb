using Mesh.Server.Config;

namespace Mesh.Server.Agent;

/// <summary>
/// Turns <c>connect { sidecar_service { ... } }</c> into the <c>&lt;id&gt;-sidecar-proxy</c> registration Consul makes:
/// kind connect-proxy, a port from the sidecar range, the parent's tags, meta and address unless given, and the
/// default "listening" and "aliasing" checks.
/// </summary>
internal static class SidecarService
{
    public const string Kind = "connect-proxy";

    public static string IdFor(string parentId) => parentId + "-sidecar-proxy";

    /// <param name="parent">The registered service, its ID and name already resolved.</param>
    /// <param name="portsInUse">Ports other local sidecars hold.</param>
    public static ServiceDefinition? For(ServiceDefinition parent, int minPort, int maxPort, IReadOnlySet<int> portsInUse)
    {
        if (parent.Connect?.SidecarService is not { } sidecar)
        {
            return null;
        }
        var parentId = parent.ID!;
        var id = sidecar.ID ?? IdFor(parentId);
        var port = sidecar.Port != 0 ? sidecar.Port : FreePort(minPort, maxPort, portsInUse);
        var proxy = sidecar.Proxy ?? new ProxyDefinition();
        var address = sidecar.Address ?? parent.Address;
        return sidecar with
        {
            ID = id,
            Name = sidecar.Name ?? parent.Name + "-sidecar-proxy",
            Kind = Kind,
            Port = port,
            Address = address,
            Tags = sidecar.Tags ?? parent.Tags,
            Meta = sidecar.Meta ?? parent.Meta,
            Connect = null,
            Proxy = proxy with
            {
                DestinationServiceName = parent.Name,
                DestinationServiceID = parentId,
                LocalServiceAddress = proxy.LocalServiceAddress ?? "127.0.0.1",
                LocalServicePort = proxy.LocalServicePort != 0 ? proxy.LocalServicePort : parent.Port,
                Upstreams = proxy.Upstreams ?? [],
            },
            Checks = sidecar.Check is null && sidecar.Checks is not { Count: > 0 }
                ? DefaultChecks(id, parentId, address, port)
                : sidecar.Checks,
        };
    }

    private static List<CheckDefinition> DefaultChecks(string id, string parentId, string? address, int port) =>
    [
        new()
        {
            CheckID = $"service:{id}:1",
            Name = "Connect Sidecar Listening",
            TCP = $"{(string.IsNullOrEmpty(address) ? "127.0.0.1" : address)}:{port}",
            Interval = TimeSpan.FromSeconds(10),
        },
        new()
        {
            CheckID = $"service:{id}:2",
            Name = $"Connect Sidecar Aliasing {parentId}",
            AliasService = parentId,
        },
    ];

    private static int FreePort(int minPort, int maxPort, IReadOnlySet<int> portsInUse)
    {
        for (var port = minPort; port <= maxPort; port++)
        {
            if (!portsInUse.Contains(port))
            {
                return port;
            }
        }
        throw AgentException.BadRequest($"No sidecar port is free in {minPort}-{maxPort}");
    }
}
