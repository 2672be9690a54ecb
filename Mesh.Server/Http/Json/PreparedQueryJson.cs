using Mesh.Server.State.PreparedQueries;

namespace Mesh.Server.Http.Json;

/// <summary>
/// structs.PreparedQuery, as /v1/query answers it and as create and update bodies give it (every field optional
/// there). Empty lists and maps answer null, as Consul's (nil after a round trip through its state store).
/// </summary>
internal sealed record PreparedQueryJson
{
    public string? ID { get; init; }
    public string? Name { get; init; }
    public string? Session { get; init; }
    public string? Token { get; init; }
    public PreparedQueryServiceJson? Service { get; init; }
    public PreparedQueryDnsJson? DNS { get; init; }
    public PreparedQueryTemplateJson? Template { get; init; }
    public ulong CreateIndex { get; init; }
    public ulong ModifyIndex { get; init; }

    public static PreparedQueryJson From(PreparedQuery query) => new()
    {
        ID = query.ID,
        Name = query.Name,
        Session = query.Session,
        Token = query.Token,
        Service = PreparedQueryServiceJson.From(query.Service),
        DNS = new PreparedQueryDnsJson(query.DnsTtl),
        Template = new PreparedQueryTemplateJson(),
        CreateIndex = query.CreateIndex,
        ModifyIndex = query.ModifyIndex,
    };

    /// <summary>The query a body describes, under <paramref name="id"/> (the body's own ID is not used).</summary>
    public PreparedQuery ToQuery(string id) => new()
    {
        ID = id,
        Name = Name ?? "",
        Session = Session ?? "",
        Token = Token ?? "",
        Service = (Service ?? new PreparedQueryServiceJson()).ToService(),
        DnsTtl = DNS?.TTL ?? "",
    };
}

/// <summary>structs.ServiceQuery.</summary>
internal sealed record PreparedQueryServiceJson
{
    public string? Service { get; init; }
    public PreparedQueryFailoverJson? Failover { get; init; }
    public bool OnlyPassing { get; init; }
    public List<string>? IgnoreCheckIDs { get; init; }
    public string? Near { get; init; }
    public List<string>? Tags { get; init; }
    public Dictionary<string, string>? NodeMeta { get; init; }
    public Dictionary<string, string>? ServiceMeta { get; init; }
    public bool Connect { get; init; }

    public static PreparedQueryServiceJson From(PreparedQueryService service) => new()
    {
        Service = service.Service,
        Failover = new PreparedQueryFailoverJson(service.NearestN, NullIfEmpty(service.Datacenters)),
        OnlyPassing = service.OnlyPassing,
        IgnoreCheckIDs = NullIfEmpty(service.IgnoreCheckIDs),
        Near = service.Near,
        Tags = NullIfEmpty(service.Tags),
        NodeMeta = service.NodeMeta.Count == 0 ? null : service.NodeMeta,
        ServiceMeta = service.ServiceMeta.Count == 0 ? null : service.ServiceMeta,
        Connect = service.Connect,
    };

    public PreparedQueryService ToService() => new()
    {
        Service = Service ?? "",
        NearestN = Failover?.NearestN ?? 0,
        Datacenters = Failover?.Datacenters ?? [],
        OnlyPassing = OnlyPassing,
        IgnoreCheckIDs = IgnoreCheckIDs ?? [],
        Near = Near ?? "",
        Tags = Tags ?? [],
        NodeMeta = NodeMeta ?? [],
        ServiceMeta = ServiceMeta ?? [],
        Connect = Connect,
    };

    private static List<string>? NullIfEmpty(List<string> values) => values.Count == 0 ? null : values;
}

/// <summary>structs.QueryFailoverOptions.</summary>
internal sealed record PreparedQueryFailoverJson(int NearestN, List<string>? Datacenters);

/// <summary>structs.QueryDNSOptions.</summary>
internal sealed record PreparedQueryDnsJson(string? TTL);

/// <summary>structs.QueryTemplateOptions: always empty in answers, since templates are refused.</summary>
internal sealed record PreparedQueryTemplateJson
{
    public string? Type { get; init; } = "";
    public string? Regexp { get; init; } = "";
    public bool RemoveEmptyTags { get; init; }
}

/// <summary>POST /v1/query's answer.</summary>
internal sealed record PreparedQueryIdJson(string ID);

/// <summary>structs.PreparedQueryExecuteResponse with its embedded QueryMeta.</summary>
internal sealed record PreparedQueryExecuteJson(
    string Service,
    List<CheckServiceNodeJson> Nodes,
    PreparedQueryDnsJson DNS,
    string Datacenter,
    int Failovers,
    ulong Index,
    long LastContact,
    bool KnownLeader,
    string ConsistencyLevel);

/// <summary>structs.PreparedQueryExplainResponse with its embedded QueryMeta.</summary>
internal sealed record PreparedQueryExplainJson(
    PreparedQueryJson Query,
    ulong Index,
    long LastContact,
    bool KnownLeader,
    string ConsistencyLevel);
