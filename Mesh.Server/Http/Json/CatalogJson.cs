using System.Text.Json.Serialization;
using Mesh.Server.Config;
using Mesh.Server.State;

namespace Mesh.Server.Http.Json;

// Consul's catalog shapes (agent/structs). Go's `omitempty` fields are nullable here and skipped when null or zero;
// the others are always written, empty maps as {} and empty lists as [], as Consul prints them.

/// <summary>structs.Node: /v1/catalog/nodes and the Node of health and catalog/node answers.</summary>
internal sealed record NodeJson(
    string ID,
    string Node,
    string Address,
    string Datacenter,
    IReadOnlyDictionary<string, string> TaggedAddresses,
    IReadOnlyDictionary<string, string> Meta,
    ulong CreateIndex,
    ulong ModifyIndex)
{
    public static NodeJson From(CatalogNode node, string datacenter) => new(
        node.ID,
        node.Node,
        node.Address,
        node.Datacenter.Length > 0 ? node.Datacenter : datacenter,
        node.TaggedAddresses,
        node.Meta,
        node.CreateIndex,
        node.ModifyIndex);
}

/// <summary>structs.ServiceNode: one instance with its node, as /v1/catalog/service/:name lists them.</summary>
internal sealed record ServiceNodeJson
{
    public required string ID { get; init; }
    public required string Node { get; init; }
    public required string Address { get; init; }
    public required string Datacenter { get; init; }
    public required IReadOnlyDictionary<string, string> TaggedAddresses { get; init; }
    public required IReadOnlyDictionary<string, string> NodeMeta { get; init; }
    public required string ServiceKind { get; init; }
    public required string ServiceID { get; init; }
    public required string ServiceName { get; init; }
    public required IReadOnlyList<string> ServiceTags { get; init; }
    public required string ServiceAddress { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, ServiceAddress>? ServiceTaggedAddresses { get; init; }

    public required ServiceWeights ServiceWeights { get; init; }
    public required IReadOnlyDictionary<string, string> ServiceMeta { get; init; }
    public required int ServicePort { get; init; }
    public string ServiceSocketPath { get; } = "";
    public required bool ServiceEnableTagOverride { get; init; }
    public required ProxyJson ServiceProxy { get; init; }
    public required ConnectJson ServiceConnect { get; init; }
    public object? ServiceLocality { get; }
    public required ulong CreateIndex { get; init; }
    public required ulong ModifyIndex { get; init; }

    public static ServiceNodeJson From(CatalogNode node, CatalogService service, string datacenter) => new()
    {
        ID = node.ID,
        Node = node.Node,
        Address = node.Address,
        Datacenter = node.Datacenter.Length > 0 ? node.Datacenter : datacenter,
        TaggedAddresses = node.TaggedAddresses,
        NodeMeta = node.Meta,
        ServiceKind = service.Kind,
        ServiceID = service.ID,
        ServiceName = service.Service,
        ServiceTags = service.Tags,
        ServiceAddress = service.Address,
        ServiceTaggedAddresses = service.TaggedAddresses.Count > 0 ? service.TaggedAddresses : null,
        ServiceWeights = service.Weights,
        ServiceMeta = service.Meta,
        ServicePort = service.Port,
        ServiceEnableTagOverride = service.EnableTagOverride,
        ServiceProxy = ProxyJson.From(service.Proxy),
        ServiceConnect = ConnectJson.From(service),
        CreateIndex = service.CreateIndex,
        ModifyIndex = service.ModifyIndex,
    };
}

/// <summary>structs.NodeService: a service instance without its node (health's Service, catalog/node's Services).</summary>
internal sealed record NodeServiceJson
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Kind { get; init; }

    public required string ID { get; init; }
    public required string Service { get; init; }
    public required IReadOnlyList<string> Tags { get; init; }
    public required string Address { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, ServiceAddress>? TaggedAddresses { get; init; }

    public required IReadOnlyDictionary<string, string> Meta { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Port { get; init; }

    public required ServiceWeights Weights { get; init; }
    public required bool EnableTagOverride { get; init; }
    public required ProxyJson Proxy { get; init; }
    public required ConnectJson Connect { get; init; }
    public string PeerName { get; } = "";
    public required ulong CreateIndex { get; init; }
    public required ulong ModifyIndex { get; init; }

    public static NodeServiceJson From(CatalogService service) => new()
    {
        Kind = Omit.IfEmpty(service.Kind),
        ID = service.ID,
        Service = service.Service,
        Tags = service.Tags,
        Address = service.Address,
        TaggedAddresses = service.TaggedAddresses.Count > 0 ? service.TaggedAddresses : null,
        Meta = service.Meta,
        Port = service.Port,
        Weights = service.Weights,
        EnableTagOverride = service.EnableTagOverride,
        Proxy = ProxyJson.From(service.Proxy),
        Connect = ConnectJson.From(service),
        CreateIndex = service.CreateIndex,
        ModifyIndex = service.ModifyIndex,
    };
}

/// <summary>structs.NodeServices: /v1/catalog/node/:node.</summary>
internal sealed record NodeServicesJson(NodeJson Node, IReadOnlyDictionary<string, NodeServiceJson> Services);

/// <summary>structs.ConnectProxyConfig, as the catalog prints it ({"Mode":"","MeshGateway":{},"Expose":{}} when unset).</summary>
internal sealed record ProxyJson
{
    public static ProxyJson None { get; } = new();

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DestinationServiceName { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DestinationServiceID { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LocalServiceAddress { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int LocalServicePort { get; init; }

    public string Mode { get; init; } = "";

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, object?>? Config { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<UpstreamJson>? Upstreams { get; init; }

    public MeshGatewayJson MeshGateway { get; init; } = MeshGatewayJson.None;
    public ExposeJson Expose { get; init; } = ExposeJson.None;

    public static ProxyJson From(ProxyDefinition? proxy) => proxy is null ? None : new()
    {
        DestinationServiceName = Omit.IfEmpty(proxy.DestinationServiceName),
        DestinationServiceID = Omit.IfEmpty(proxy.DestinationServiceID),
        LocalServiceAddress = Omit.IfEmpty(proxy.LocalServiceAddress),
        LocalServicePort = proxy.LocalServicePort,
        Mode = proxy.Mode ?? "",
        Config = proxy.Config is { Count: > 0 } config ? config : null,
        Upstreams = proxy.Upstreams is { Count: > 0 } upstreams ? [.. upstreams.Select(UpstreamJson.From)] : null,
    };
}

/// <summary>structs.Upstream.</summary>
internal sealed record UpstreamJson
{
    public required string DestinationType { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DestinationNamespace { get; init; }

    public required string DestinationName { get; init; }
    public required string Datacenter { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LocalBindAddress { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int LocalBindPort { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, object?>? Config { get; init; }

    public MeshGatewayJson MeshGateway { get; init; } = MeshGatewayJson.None;

    public static UpstreamJson From(UpstreamDefinition upstream) => new()
    {
        // Consul's config builder defaults the type; the catalog shows "service" for a plain upstream.
        DestinationType = string.IsNullOrEmpty(upstream.DestinationType) ? "service" : upstream.DestinationType,
        DestinationNamespace = Omit.IfEmpty(upstream.DestinationNamespace),
        DestinationName = upstream.DestinationName ?? "",
        Datacenter = upstream.Datacenter ?? "",
        LocalBindAddress = Omit.IfEmpty(upstream.LocalBindAddress),
        LocalBindPort = upstream.LocalBindPort,
        Config = upstream.Config is { Count: > 0 } config ? config : null,
    };
}

/// <summary>structs.MeshGatewayConfig: {} unless a mode is set.</summary>
internal sealed record MeshGatewayJson
{
    public static MeshGatewayJson None { get; } = new();

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Mode { get; init; }
}

/// <summary>structs.ExposeConfig: always {} here (exposed paths are not supported).</summary>
internal sealed record ExposeJson
{
    public static ExposeJson None { get; } = new();
}

/// <summary>structs.ServiceConnect: {} or {"Native":true}.</summary>
internal sealed record ConnectJson
{
    public static ConnectJson None { get; } = new();

    public static ConnectJson NativeOnly { get; } = new() { Native = true };

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Native { get; init; }

    public static ConnectJson From(CatalogService service) => service.ConnectNative ? NativeOnly : None;
}
