using System.Text.Json.Nodes;
using Mesh.Server.Agent.Events;
using Mesh.Server.Cli.Api;

namespace Mesh.Server.Cli.Commands.Watch;

/// <summary>
/// What one watch type asks (a blocking GET) and how the answer reads as the JSON Consul's watch hands on
/// (the Go API client's value for that read: a KVPair or null, a map of service tags, a list of nodes...).
/// <see cref="Shape"/> also gets the index of the previous answer (0 for the first). <see cref="HashedIndex"/>
/// marks an index that is not a Raft index (user events'), so one going backwards means nothing.
/// </summary>
internal sealed record WatchSource(string Type, string Path, Func<ApiQuery> Query, Func<JsonNode?, ulong, JsonNode?> Shape, bool HashedIndex = false)
{
    /// <summary>An answer as it is, with a missing one (404) as null.</summary>
    public static JsonNode? AsIs(JsonNode? body, ulong previousIndex) => body;

    /// <summary>The single key of <c>GET /v1/kv/:key</c> as an api.KVPair, or null.</summary>
    public static JsonNode? FirstPair(JsonNode? body, ulong previousIndex) => body is JsonArray { Count: > 0 } entries ? Pair(entries[0]) : null;

    /// <summary><c>GET /v1/kv/:prefix?recurse</c> as api.KVPairs, null when nothing is under the prefix.</summary>
    public static JsonNode? Pairs(JsonNode? body, ulong previousIndex) => body is JsonArray entries ? new JsonArray([.. entries.Select(Pair)]) : null;

    /// <summary>
    /// <c>GET /v1/event/list</c> pruned as Consul's event watch does: only the events after the one whose index
    /// was the previous answer's, all of them when it is no longer listed.
    /// </summary>
    public static JsonNode? NewEvents(JsonNode? body, ulong previousIndex)
    {
        if (body is not JsonArray events)
        {
            return body;
        }
        var seen = events.ToList().FindIndex(e => e?["ID"]?.GetValue<string>() is { } id && UserEventIndex.FromId(id) == previousIndex);
        return new JsonArray([.. events.Skip(seen + 1).Select(e => e?.DeepClone())]);
    }

    // The server writes structs.DirEntry; the Go client's api.KVPair orders its fields differently and always has Session.
    private static JsonObject? Pair(JsonNode? entry) => entry is null ? null : new JsonObject
    {
        ["Key"] = entry["Key"]?.DeepClone(),
        ["CreateIndex"] = entry["CreateIndex"]?.DeepClone(),
        ["ModifyIndex"] = entry["ModifyIndex"]?.DeepClone(),
        ["LockIndex"] = entry["LockIndex"]?.DeepClone(),
        ["Flags"] = entry["Flags"]?.DeepClone(),
        ["Value"] = entry["Value"]?.DeepClone(),
        ["Session"] = entry["Session"]?.DeepClone() ?? "",
    };
}
