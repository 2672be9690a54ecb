using System.Text.Json.Serialization;
using Mesh.Server.Agent;
using Mesh.Server.Config;
using Mesh.Server.State;

namespace Mesh.Server.Http.Json;

/// <summary>api.AgentService: the entries of /v1/agent/services and the answer of /v1/agent/service/:id.</summary>
internal sealed record AgentServiceJson
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Kind { get; init; }

    public required string ID { get; init; }
    public required string Service { get; init; }
    public required IReadOnlyList<string> Tags { get; init; }
    public required IReadOnlyDictionary<string, string> Meta { get; init; }
    public required int Port { get; init; }
    public required string Address { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, ServiceAddress>? TaggedAddresses { get; init; }

    public required ServiceWeights Weights { get; init; }
    public required bool EnableTagOverride { get; init; }

    /// <summary>Only /v1/agent/service/:id sets it (and the X-Consul-ContentHash header).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ContentHash { get; init; }

    /// <summary>Only proxies carry their proxy configuration here, as in Consul.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ProxyJson? Proxy { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ConnectJson? Connect { get; init; }

    public required string Datacenter { get; init; }

    public static AgentServiceJson From(CatalogService service, string datacenter) => new()
    {
        Kind = Omit.IfEmpty(service.Kind),
        ID = service.ID,
        Service = service.Service,
        Tags = service.Tags,
        Meta = service.Meta,
        Port = service.Port,
        Address = service.Address,
        TaggedAddresses = service.TaggedAddresses.Count > 0 ? service.TaggedAddresses : null,
        Weights = service.Weights,
        EnableTagOverride = service.EnableTagOverride,
        Proxy = service.Kind == "connect-proxy" ? ProxyJson.From(service.Proxy) : null,
        Connect = service.ConnectNative ? ConnectJson.NativeOnly : null,
        Datacenter = datacenter,
    };
}

/// <summary>/v1/agent/self.</summary>
internal sealed record AgentSelfJson(
    IReadOnlyDictionary<string, object?> Config,
    IReadOnlyDictionary<string, object?> DebugConfig,
    object? Coord,
    GossipMember Member,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Stats,
    IReadOnlyDictionary<string, string> Meta);
