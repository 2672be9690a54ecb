namespace Mesh.Server.State.PreparedQueries;

/// <summary>
/// A prepared query (Consul's structs.PreparedQuery): a stored service lookup, executed by ID or name over HTTP or
/// DNS (<c>&lt;name&gt;.query.consul</c>). Immutable: a change replaces the record.
/// </summary>
public sealed record PreparedQuery
{
    public required string ID { get; init; }
    public string Name { get; init; } = "";
    /// <summary>The session the query lives and dies with ("" for none).</summary>
    public string Session { get; init; } = "";
    public string Token { get; init; } = "";
    public required PreparedQueryService Service { get; init; }
    /// <summary>The DNS TTL of its answers as given ("10s"); "" for the agent's service TTL.</summary>
    public string DnsTtl { get; init; } = "";
    public ulong CreateIndex { get; init; }
    public ulong ModifyIndex { get; init; }
}

/// <summary>What a prepared query looks up (Consul's structs.ServiceQuery).</summary>
public sealed record PreparedQueryService
{
    public required string Service { get; init; }
    /// <summary>How many of the nearest other datacenters to try when none here is healthy.</summary>
    public int NearestN { get; init; }
    public List<string> Datacenters { get; init; } = [];
    /// <summary>Warning instances are left out too.</summary>
    public bool OnlyPassing { get; init; }
    /// <summary>Checks whose health is not considered.</summary>
    public List<string> IgnoreCheckIDs { get; init; } = [];
    public string Near { get; init; } = "";
    /// <summary>Tags every instance must carry; a "!tag" one it must not.</summary>
    public List<string> Tags { get; init; } = [];
    public Dictionary<string, string> NodeMeta { get; init; } = [];
    public Dictionary<string, string> ServiceMeta { get; init; } = [];
    /// <summary>The instances that accept mesh traffic for the service (its proxies) instead of the service's own.</summary>
    public bool Connect { get; init; }
}
