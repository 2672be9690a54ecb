namespace Mesh.Server.Tests.Datacenter;

/// <summary>Checks acknowledged writes against what a server reads back.</summary>
internal static class AckAssert
{
    public static bool AllPresent(IEnumerable<Ack> acks, IReadOnlyDictionary<string, string> kv) => Missing(acks, kv).Count == 0;

    /// <summary>Every acknowledged key is there with its value (the key itself).</summary>
    public static void AllReadable(IReadOnlyCollection<Ack> acks, IReadOnlyDictionary<string, string> kv, string where)
    {
        Assert.NotEmpty(acks);
        var missing = Missing(acks, kv);
        Assert.True(missing.Count == 0, $"{missing.Count} of {acks.Count} acknowledged writes missing on {where}: {string.Join(", ", missing.Take(10))}");
    }

    private static List<string> Missing(IEnumerable<Ack> acks, IReadOnlyDictionary<string, string> kv) =>
        [.. acks.Where(a => !kv.TryGetValue(a.Key, out var value) || value != a.Key).Select(a => a.Key)];
}
