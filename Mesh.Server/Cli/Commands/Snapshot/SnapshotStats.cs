using System.Text;
using System.Text.Json;

namespace Mesh.Server.Cli.Commands.Snapshot;

/// <summary>How many records of each type a snapshot's state holds, and how many bytes they take.</summary>
internal sealed record TypeStats(string Name, int Sum, int Count);

/// <summary>
/// The records of a state.bin by Consul's type names: KV entries are "KVS", nodes, services and checks (Consul's
/// catalog registrations) "Register", table indexes "Index", deleted keys "Tombstone"; each record counts the
/// bytes of its JSON. With KV details, the KV entries also by key prefix up to a depth.
/// </summary>
internal sealed record SnapshotStats(IReadOnlyList<TypeStats> Types, int Total, IReadOnlyList<TypeStats>? Kv, int KvTotal)
{
    /// <exception cref="JsonException">state.bin is not a state store snapshot.</exception>
    public static SnapshotStats Of(byte[] state, KvDetails? kvDetails)
    {
        using var document = JsonDocument.Parse(state);
        var root = document.RootElement;
        var types = new Dictionary<string, (int Sum, int Count)>(StringComparer.Ordinal);
        var prefixes = new Dictionary<string, (int Sum, int Count)>(StringComparer.Ordinal);
        var kvTotal = 0;
        foreach (var entry in Items(root, "Kv"))
        {
            var size = Add(types, "KVS", entry);
            if (kvDetails is not null && entry.TryGetProperty("Key", out var key) && key.GetString() is { } name && name.StartsWith(kvDetails.Filter, StringComparison.Ordinal))
            {
                var parts = name.Split('/');
                var prefix = string.Join('/', parts.Take(Math.Min(kvDetails.Depth, parts.Length)));
                var (sum, count) = prefixes.GetValueOrDefault(prefix);
                prefixes[prefix] = (sum + size, count + 1);
                kvTotal += size;
            }
        }
        foreach (var table in new[] { "Nodes", "Services", "Checks" })
        {
            foreach (var record in Items(root, table))
            {
                Add(types, "Register", record);
            }
        }
        foreach (var index in Properties(root, "Indexes"))
        {
            Add(types, "Index", index);
        }
        foreach (var tombstone in Properties(root, "Tombstones"))
        {
            Add(types, "Tombstone", tombstone);
        }
        return new SnapshotStats(
            Sorted(types),
            types.Values.Sum(t => t.Sum),
            kvDetails is null ? null : Sorted(prefixes),
            kvTotal);
    }

    private static IEnumerable<JsonElement> Items(JsonElement root, string name) =>
        root.TryGetProperty(name, out var items) && items.ValueKind == JsonValueKind.Array ? items.EnumerateArray() : [];

    /// <summary>An object's members, each as the text <c>"name":value</c> it takes.</summary>
    private static IEnumerable<string> Properties(JsonElement root, string name) =>
        root.TryGetProperty(name, out var map) && map.ValueKind == JsonValueKind.Object
            ? map.EnumerateObject().Select(p => JsonSerializer.Serialize(p.Name) + ":" + p.Value.GetRawText())
            : [];

    private static int Add(Dictionary<string, (int Sum, int Count)> types, string type, JsonElement record) =>
        Add(types, type, record.GetRawText());

    private static int Add(Dictionary<string, (int Sum, int Count)> types, string type, string json)
    {
        var size = Encoding.UTF8.GetByteCount(json);
        var (sum, count) = types.GetValueOrDefault(type);
        types[type] = (sum + size, count + 1);
        return size;
    }

    // Largest first, then by name, as Consul sorts them.
    private static List<TypeStats> Sorted(Dictionary<string, (int Sum, int Count)> stats) =>
        [.. stats.Select(s => new TypeStats(s.Key, s.Value.Sum, s.Value.Count)).OrderByDescending(s => s.Sum).ThenBy(s => s.Name, StringComparer.Ordinal)];
}

/// <summary>-kvdetails: KV usage by key prefix, keys split on "/" up to <see cref="Depth"/> parts, only under <see cref="Filter"/>.</summary>
internal sealed record KvDetails(int Depth, string Filter);
