using Mesh.Server.Config;

namespace Mesh.Server.State;

/// <summary>A key in the replicated KV store. Immutable: a write replaces the record.</summary>
public sealed record KvEntry(
    string Key,
    byte[]? Value,
    ulong Flags,
    string? Session,
    ulong LockIndex,
    ulong CreateIndex,
    ulong ModifyIndex);

/// <summary>A node in the catalog (Consul's structs.Node).</summary>
public sealed record CatalogNode
{
    public string ID { get; init; } = "";
    public required string Node { get; init; }
    public string Address { get; init; } = "";
    public string Datacenter { get; init; } = "";
    public Dictionary<string, string> TaggedAddresses { get; init; } = [];
    public Dictionary<string, string> Meta { get; init; } = [];
    public ulong CreateIndex { get; init; }
    public ulong ModifyIndex { get; init; }
}

/// <summary>A service instance registered on a node (Consul's structs.NodeService).</summary>
public sealed record CatalogService
{
    public required string Node { get; init; }
    public required string ID { get; init; }
    public required string Service { get; init; }
    /// <summary>"" for a typical service, "connect-proxy" for a sidecar.</summary>
    public string Kind { get; init; } = "";
    public List<string> Tags { get; init; } = [];
    public string Address { get; init; } = "";
    public Dictionary<string, ServiceAddress> TaggedAddresses { get; init; } = [];
    public Dictionary<string, string> Meta { get; init; } = [];
    public int Port { get; init; }
    public ServiceWeights Weights { get; init; } = new();
    public bool EnableTagOverride { get; init; }
    public ProxyDefinition? Proxy { get; init; }
    public bool ConnectNative { get; init; }
    public ulong CreateIndex { get; init; }
    public ulong ModifyIndex { get; init; }
}

/// <summary>A health check of a node or of one of its services (Consul's structs.HealthCheck).</summary>
public sealed record CatalogCheck
{
    public required string Node { get; init; }
    public required string CheckID { get; init; }
    public string Name { get; init; } = "";
    public string Status { get; init; } = "critical";
    public string Notes { get; init; } = "";
    public string Output { get; init; } = "";
    public string ServiceID { get; init; } = "";
    public string ServiceName { get; init; } = "";
    public List<string> ServiceTags { get; init; } = [];
    /// <summary>http, tcp, grpc, ttl, script, serf, or "" for a check registered without a definition.</summary>
    public string Type { get; init; } = "";
    public CheckDefinition? Definition { get; init; }
    public ulong CreateIndex { get; init; }
    public ulong ModifyIndex { get; init; }
}

/// <summary>One instance of a service with its node and the checks that govern its health.</summary>
public sealed record ServiceEntry(CatalogNode Node, CatalogService Service, IReadOnlyList<CatalogCheck> Checks);
