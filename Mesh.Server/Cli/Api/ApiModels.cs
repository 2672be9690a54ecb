namespace Mesh.Server.Cli.Api;

// The fields of Consul's JSON that the commands read; property names are the wire's.

internal sealed record KvPair
{
    public string Key { get; init; } = "";
    public ulong CreateIndex { get; init; }
    public ulong ModifyIndex { get; init; }
    public ulong LockIndex { get; init; }
    public ulong Flags { get; init; }
    /// <summary>Base64 on the wire; null for a key without a value.</summary>
    public byte[]? Value { get; init; }
    public string? Session { get; init; }
}

/// <summary>How <c>kv put</c> writes: plain, check-and-set, or under a session lock.</summary>
internal sealed record KvWrite
{
    public ulong Flags { get; init; }
    public ulong? Cas { get; init; }
    public string? Acquire { get; init; }
    public string? Release { get; init; }
}

/// <summary>A node as <c>/v1/catalog/nodes</c> lists it (and as <c>catalog nodes -service</c> derives it).</summary>
internal sealed record CatalogNode
{
    public string? ID { get; init; }
    public string Node { get; init; } = "";
    public string? Address { get; init; }
    public string? Datacenter { get; init; }
    public Dictionary<string, string>? TaggedAddresses { get; init; }
    public Dictionary<string, string>? Meta { get; init; }
}

/// <summary>An entry of <c>/v1/catalog/service/:name</c>: the node fields the CLI shows.</summary>
internal sealed record CatalogServiceInstance
{
    public string? ID { get; init; }
    public string Node { get; init; } = "";
    public string? Address { get; init; }
    public string? Datacenter { get; init; }
    public Dictionary<string, string>? TaggedAddresses { get; init; }
    public Dictionary<string, string>? NodeMeta { get; init; }
}

/// <summary><c>/v1/catalog/node/:node</c>: the node and its services by ID.</summary>
internal sealed record CatalogNodeServices
{
    public CatalogNode? Node { get; init; }
    public Dictionary<string, AgentService>? Services { get; init; }
}

internal sealed record AgentService
{
    public string? ID { get; init; }
    public string Service { get; init; } = "";
    public List<string>? Tags { get; init; }
}

/// <summary>A gossip member from <c>/v1/agent/members</c>; Status 0 none, 1 alive, 2 leaving, 3 left, 4 failed.</summary>
internal sealed record AgentMember
{
    public string Name { get; init; } = "";
    public string Addr { get; init; } = "";
    public int Port { get; init; }
    public Dictionary<string, string>? Tags { get; init; }
    public int Status { get; init; }
}

/// <summary>Query options shared by the catalog reads.</summary>
internal sealed record CatalogQuery
{
    public bool Stale { get; init; }
    public string? Near { get; init; }
    public string? Filter { get; init; }
    public IReadOnlyDictionary<string, string> NodeMeta { get; init; } = new Dictionary<string, string>();

    public ApiQuery ToQuery()
    {
        var query = new ApiQuery()
            .AddIf(Stale, "stale")
            .AddIf(!string.IsNullOrEmpty(Near), "near", Near ?? "")
            .AddIf(!string.IsNullOrEmpty(Filter), "filter", Filter ?? "");
        foreach (var (key, value) in NodeMeta)
        {
            query.Add("node-meta", $"{key}:{value}");
        }
        return query;
    }
}
