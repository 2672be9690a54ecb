using System.Text.Json.Serialization;

namespace Mesh.Connect.Intentions;

/// <summary>
/// Whether <see cref="SourceName"/> may connect to <see cref="DestinationName"/> (Consul's structs.Intention, in the
/// default namespace). Either <see cref="Action"/> (L4) or <see cref="Permissions"/> (L7) is set, never both.
/// Immutable: a write replaces the record.
/// </summary>
public sealed record Intention
{
    /// <summary>"" for intentions written by name (PUT exact); a UUID for legacy ones (POST).</summary>
    public string ID { get; init; } = "";
    public required string SourceName { get; init; }
    public required string DestinationName { get; init; }
    public string SourceType { get; init; } = IntentionAction.SourceTypeConsul;
    /// <summary>"allow" or "deny"; "" when <see cref="Permissions"/> decide.</summary>
    public string Action { get; init; } = "";
    public List<IntentionPermission>? Permissions { get; init; }
    public string Description { get; init; } = "";
    public Dictionary<string, string> Meta { get; init; } = [];
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public ulong CreateIndex { get; init; }
    public ulong ModifyIndex { get; init; }

    /// <summary>How specific the match is; the more specific intention governs a pair.</summary>
    [JsonIgnore]
    public int Precedence => IntentionPrecedence.Of(SourceName, DestinationName);

    [JsonIgnore]
    public bool HasPermissions => Permissions is { Count: > 0 };

    /// <summary>Consul's structs.Intention.String(), used in reasons and errors.</summary>
    public override string ToString()
    {
        var id = ID.Length == 0 ? "" : $"ID: {ID}, ";
        var detail = HasPermissions ? $"Permissions: {Permissions!.Count}" : "Action: " + Action.ToUpperInvariant();
        return $"{SourceName} => {DestinationName} ({id}Precedence: {Precedence}, {detail})";
    }
}

/// <summary>One L7 rule of an intention: the first whose <see cref="HTTP"/> matches a request decides it.</summary>
public sealed record IntentionPermission
{
    public string Action { get; init; } = "";
    public IntentionHttpPermission? HTTP { get; init; }
}

/// <summary>What an HTTP request must look like for a permission to match (all given parts must match).</summary>
public sealed record IntentionHttpPermission
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PathExact { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PathPrefix { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PathRegex { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<IntentionHeaderPermission>? Header { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? Methods { get; init; }
}

/// <summary>A header condition: exactly one of Present, Exact, Prefix, Suffix or Regex; Invert negates it.</summary>
public sealed record IntentionHeaderPermission
{
    public string Name { get; init; } = "";
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Present { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Exact { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Prefix { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Suffix { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Regex { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Invert { get; init; }
}

/// <summary>Consul's fixed intention vocabulary.</summary>
public static class IntentionAction
{
    public const string Allow = "allow";
    public const string Deny = "deny";
    public const string SourceTypeConsul = "consul";
    public const string Wildcard = "*";
}
