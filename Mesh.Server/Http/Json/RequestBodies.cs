using System.Text.Json.Serialization;
using Mesh.Server.Config;

namespace Mesh.Server.Http.Json;

// Request bodies of the catalog and agent endpoints, as Consul's Go structs decode them (field names matched
// case-insensitively, unknown fields ignored).

/// <summary>structs.RegisterRequest: PUT /v1/catalog/register.</summary>
internal sealed record RegisterRequestBody
{
    public string? ID { get; init; }
    public string? Node { get; init; }
    public string? Address { get; init; }
    public string? Datacenter { get; init; }
    public Dictionary<string, string>? TaggedAddresses { get; init; }
    public Dictionary<string, string>? NodeMeta { get; init; }
    public NodeServiceBody? Service { get; init; }
    public HealthCheckBody? Check { get; init; }
    public List<HealthCheckBody>? Checks { get; init; }
    public bool SkipNodeUpdate { get; init; }
}

/// <summary>structs.NodeService as a registration carries it.</summary>
internal sealed record NodeServiceBody
{
    public string? Kind { get; init; }
    public string? ID { get; init; }
    public string? Service { get; init; }
    public List<string>? Tags { get; init; }
    public string? Address { get; init; }
    public Dictionary<string, ServiceAddress>? TaggedAddresses { get; init; }
    public Dictionary<string, string>? Meta { get; init; }
    public int Port { get; init; }
    public ServiceWeights? Weights { get; init; }
    public bool EnableTagOverride { get; init; }
    public ProxyDefinition? Proxy { get; init; }
    public ConnectBody? Connect { get; init; }

    /// <summary>What a transaction's cas and delete-cas compare; a register ignores it, as Consul's does.</summary>
    public ulong ModifyIndex { get; init; }
}

internal sealed record ConnectBody
{
    public bool Native { get; init; }
}

/// <summary>structs.HealthCheck as a registration carries it.</summary>
internal sealed record HealthCheckBody
{
    public string? Node { get; init; }
    public string? CheckID { get; init; }
    public string? Name { get; init; }
    public string? Status { get; init; }
    public string? Notes { get; init; }
    public string? Output { get; init; }
    public string? ServiceID { get; init; }
    public string? Type { get; init; }
    public HealthCheckDefinitionBody? Definition { get; init; }

    /// <summary>What a transaction's cas and delete-cas compare; a register ignores it, as Consul's does.</summary>
    public ulong ModifyIndex { get; init; }
}

/// <summary>structs.HealthCheckDefinition: durations as Go duration strings or nanosecond numbers.</summary>
internal sealed record HealthCheckDefinitionBody
{
    public string? HTTP { get; init; }
    public string? TLSServerName { get; init; }
    public bool TLSSkipVerify { get; init; }
    public Dictionary<string, List<string>>? Header { get; init; }
    public string? Method { get; init; }
    public string? Body { get; init; }
    public string? TCP { get; init; }
    public string? GRPC { get; init; }
    public bool GRPCUseTLS { get; init; }

    [JsonConverter(typeof(GoDurationJsonConverter))]
    public TimeSpan? Interval { get; init; }

    [JsonConverter(typeof(GoDurationJsonConverter))]
    public TimeSpan? Timeout { get; init; }

    [JsonConverter(typeof(GoDurationJsonConverter))]
    public TimeSpan? DeregisterCriticalServiceAfter { get; init; }

    [JsonConverter(typeof(GoDurationJsonConverter))]
    public TimeSpan? TTL { get; init; }

    public List<string>? ScriptArgs { get; init; }
    public string? Shell { get; init; }
    public string? AliasNode { get; init; }
    public string? AliasService { get; init; }
    public int OutputMaxSize { get; init; }
}

/// <summary>structs.DeregisterRequest: PUT /v1/catalog/deregister.</summary>
internal sealed record DeregisterRequestBody
{
    public string? Node { get; init; }
    public string? Datacenter { get; init; }
    public string? ServiceID { get; init; }
    public string? CheckID { get; init; }
}

/// <summary>PUT /v1/agent/check/update/:id.</summary>
internal sealed record CheckUpdateBody
{
    public string? Status { get; init; }
    public string? Output { get; init; }
}
