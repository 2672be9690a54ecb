using System.Globalization;
using Mesh.Connect.Proxy;
using Mesh.Server.Agent;
using Mesh.Server.State;

namespace Mesh.Server.Connect.Proxy;

/// <summary>A connect-proxy registered with this agent, as its sidecar needs it.</summary>
internal sealed record ProxyRegistration(
    string ProxyId,
    string DestinationName,
    string DestinationId,
    ProxyEndpoint Public,
    ProxyEndpoint LocalApp,
    string Protocol,
    IReadOnlyList<ProxyUpstreamSpec> Upstreams)
{
    // Consul's built-in proxy listens on every interface unless the proxy config says bind_address.
    private const string DefaultBindAddress = "0.0.0.0";
    private const string Loopback = "127.0.0.1";

    /// <summary>The proxy by its ID, or the sidecar registered for a service instance; null when there is none.</summary>
    public static ProxyRegistration? Resolve(LocalAgent agent, ProxyWatchRequest request)
    {
        var proxy = request.ProxyId is { Length: > 0 } id
            ? agent.Service(id)
            : agent.Services().FirstOrDefault(s => s.Kind == SidecarService.Kind && s.Proxy?.DestinationServiceID == request.SidecarFor);
        return proxy is { Kind: SidecarService.Kind, Proxy: { } definition } ? From(proxy, definition) : null;
    }

    private static ProxyRegistration From(CatalogService proxy, Config.ProxyDefinition definition) => new(
        proxy.ID,
        definition.DestinationServiceName ?? "",
        definition.DestinationServiceID ?? "",
        new ProxyEndpoint(ConfigString(definition.Config, "bind_address") ?? DefaultBindAddress, ConfigPort(definition.Config, "bind_port") ?? proxy.Port),
        new ProxyEndpoint(definition.LocalServiceAddress ?? Loopback, definition.LocalServicePort),
        ProtocolOf(definition),
        [.. (definition.Upstreams ?? []).Where(u => !string.IsNullOrEmpty(u.DestinationName)).Select(u => new ProxyUpstreamSpec(
            u.DestinationName!, string.IsNullOrEmpty(u.LocalBindAddress) ? Loopback : u.LocalBindAddress, u.LocalBindPort, u.Datacenter ?? "",
            ConfigString(u.Config, "protocol") is { } protocol ? ProxyProtocols.Normalize(protocol) : null))]);

    /// <summary>A sidecar's protocol: its opaque <c>Proxy.Config["protocol"]</c>, tcp when unset (Consul's default).</summary>
    public static string ProtocolOf(Config.ProxyDefinition? definition) => ProxyProtocols.Normalize(ConfigString(definition?.Config, "protocol"));

    private static string? ConfigString(Dictionary<string, object?>? config, string key) =>
        config?.GetValueOrDefault(key)?.ToString() is { Length: > 0 } value ? value : null;

    private static int? ConfigPort(Dictionary<string, object?>? config, string key) =>
        int.TryParse(ConfigString(config, key), NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : null;
}

/// <summary>An upstream as registered: where its listener binds and which service it reaches.</summary>
/// <param name="Protocol">The upstream's own <c>Config["protocol"]</c>; null when unset, so the destination's decides.</param>
internal sealed record ProxyUpstreamSpec(string DestinationName, string LocalBindAddress, int LocalBindPort, string Datacenter, string? Protocol);
