using System.Text.Json.Serialization;
using Mesh.Server.Config;
using Mesh.Server.State;

namespace Mesh.Server.Http.Json;

/// <summary>structs.HealthCheck: health/checks, health/node, health/state, agent/checks and health entries.</summary>
internal sealed record HealthCheckJson
{
    public required string Node { get; init; }
    public required string CheckID { get; init; }
    public required string Name { get; init; }
    public required string Status { get; init; }
    public required string Notes { get; init; }
    public required string Output { get; init; }
    public required string ServiceID { get; init; }
    public required string ServiceName { get; init; }
    public required IReadOnlyList<string> ServiceTags { get; init; }
    public required string Type { get; init; }
    public required string Interval { get; init; }
    public required string Timeout { get; init; }
    public int ExposedPort { get; }
    public required HealthCheckDefinitionJson Definition { get; init; }
    public required ulong CreateIndex { get; init; }
    public required ulong ModifyIndex { get; init; }

    public static HealthCheckJson From(CatalogCheck check) => new()
    {
        Node = check.Node,
        CheckID = check.CheckID,
        Name = check.Name,
        Status = check.Status,
        Notes = check.Notes,
        Output = check.Output,
        ServiceID = check.ServiceID,
        ServiceName = check.ServiceName,
        ServiceTags = check.ServiceTags,
        Type = check.Type,
        Interval = HealthCheckDefinitionJson.Duration(check.Definition?.Interval) ?? "",
        Timeout = HealthCheckDefinitionJson.Duration(check.Definition?.Timeout) ?? "",
        Definition = HealthCheckDefinitionJson.From(check.Definition),
        CreateIndex = check.CreateIndex,
        ModifyIndex = check.ModifyIndex,
    };
}

/// <summary>
/// structs.HealthCheckDefinition: every field omitted when unset. Interval, Timeout and
/// DeregisterCriticalServiceAfter print as Go durations ("10s"); TTL, as in Consul, as nanoseconds.
/// </summary>
internal sealed record HealthCheckDefinitionJson
{
    public static HealthCheckDefinitionJson None { get; } = new();

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Interval { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int OutputMaxSize { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Timeout { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DeregisterCriticalServiceAfter { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? HTTP { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TLSServerName { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool TLSSkipVerify { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, List<string>>? Header { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Method { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Body { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TCP { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? ScriptArgs { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Shell { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? GRPC { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool GRPCUseTLS { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AliasNode { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AliasService { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long TTL { get; init; }

    public static HealthCheckDefinitionJson From(CheckDefinition? definition) => definition is null ? None : new()
    {
        Interval = Duration(definition.Interval),
        OutputMaxSize = definition.OutputMaxSize,
        Timeout = Duration(definition.Timeout),
        DeregisterCriticalServiceAfter = Duration(definition.DeregisterCriticalServiceAfter),
        HTTP = Omit.IfEmpty(definition.HTTP),
        TLSServerName = Omit.IfEmpty(definition.TLSServerName),
        TLSSkipVerify = definition.TLSSkipVerify,
        Header = definition.Header is { Count: > 0 } header ? header : null,
        Method = Omit.IfEmpty(definition.Method),
        Body = Omit.IfEmpty(definition.Body),
        TCP = Omit.IfEmpty(definition.TCP),
        ScriptArgs = definition.Args is { Count: > 0 } args ? args : null,
        Shell = Omit.IfEmpty(definition.Shell),
        GRPC = Omit.IfEmpty(definition.GRPC),
        GRPCUseTLS = definition.GRPCUseTLS,
        AliasNode = Omit.IfEmpty(definition.AliasNode),
        AliasService = Omit.IfEmpty(definition.AliasService),
        TTL = GoDuration.ToNanoseconds(definition.TTL ?? TimeSpan.Zero),
    };

    /// <summary>A Go duration string, or null for unset/zero (Consul prints "" or omits those).</summary>
    internal static string? Duration(TimeSpan? value) =>
        value is { } d && d != TimeSpan.Zero ? GoDuration.Format(d) : null;
}

/// <summary>structs.CheckServiceNode: one entry of /v1/health/service/:name.</summary>
internal sealed record CheckServiceNodeJson(NodeJson Node, NodeServiceJson Service, IReadOnlyList<HealthCheckJson> Checks)
{
    public static CheckServiceNodeJson From(ServiceEntry entry, string datacenter) => new(
        NodeJson.From(entry.Node, datacenter),
        NodeServiceJson.From(entry.Service),
        [.. entry.Checks.Select(HealthCheckJson.From)]);
}
