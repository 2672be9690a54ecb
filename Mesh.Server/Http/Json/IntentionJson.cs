using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Mesh.Connect.Intentions;
using Mesh.Server.State.Intentions;

namespace Mesh.Server.Http.Json;

/// <summary>An intention as Consul's API writes it (structs.Intention, default namespace).</summary>
internal sealed record IntentionJson(
    string ID,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Description,
    string SourceNS,
    string SourceName,
    string DestinationNS,
    string DestinationName,
    string SourceType,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Action,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] List<IntentionPermission>? Permissions,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Dictionary<string, string>? Meta,
    int Precedence,
    string CreatedAt,
    string UpdatedAt,
    string Hash,
    ulong CreateIndex,
    ulong ModifyIndex)
{
    public const string DefaultNamespace = "default";

    public static IntentionJson From(Intention intention) => new(
        intention.ID,
        Omit.IfEmpty(intention.Description),
        DefaultNamespace,
        intention.SourceName,
        DefaultNamespace,
        intention.DestinationName,
        intention.SourceType,
        Omit.IfEmpty(intention.Action),
        intention.HasPermissions ? intention.Permissions : null,
        intention.Meta.Count == 0 ? null : intention.Meta,
        intention.Precedence,
        GoTime(intention.CreatedAt),
        GoTime(intention.UpdatedAt),
        HashOf(intention),
        intention.CreateIndex,
        intention.ModifyIndex);

    /// <summary>Go's time.Time JSON (RFC 3339 with nanoseconds, trailing zeros trimmed); never set is year 1.</summary>
    private static string GoTime(DateTime time) =>
        DateTime.SpecifyKind(time, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    // Changes whenever what the intention decides changes (Consul hashes the same fields), base64 as Go's []byte.
    private static string HashOf(Intention intention)
    {
        var content = intention with { CreateIndex = 0, ModifyIndex = 0, CreatedAt = default, UpdatedAt = default };
        var json = System.Text.Json.JsonSerializer.Serialize(content, State.StateJson.Options);
        return Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
    }
}

/// <summary>A request body for writing an intention (api.Intention); the names may come from the query instead.</summary>
internal sealed record IntentionBody
{
    public string? ID { get; init; }
    public string? SourceNS { get; init; }
    public string? SourceName { get; init; }
    public string? DestinationNS { get; init; }
    public string? DestinationName { get; init; }
    public string? SourceType { get; init; }
    public string? Action { get; init; }
    public List<IntentionPermission>? Permissions { get; init; }
    public string? Description { get; init; }
    public Dictionary<string, string>? Meta { get; init; }
}

/// <summary>POST /v1/agent/connect/authorize's body.</summary>
internal sealed record AuthorizeBody(string? Target, string? ClientCertURI, string? ClientCertSerial);

/// <summary>POST /v1/agent/connect/authorize's answer.</summary>
internal sealed record AuthorizeJson(bool Authorized, string Reason);

/// <summary>GET /v1/connect/intentions/check's answer.</summary>
internal sealed record IntentionCheckJson(bool Allowed);

/// <summary>POST /v1/connect/intentions's answer.</summary>
internal sealed record IntentionIdJson(string ID);
