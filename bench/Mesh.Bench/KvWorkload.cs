using System.Text;

namespace Mesh.Bench;

/// <summary>What the KV rows read and write: about 1000 key names and one ~100-byte value, the same for every server.</summary>
internal static class KvWorkload
{
    public const int KeyCount = 1000;
    public const int ValueSize = 100;

    public static byte[] Value { get; } = MakeValue();

    public static string KeyName(int key) => $"bench/key-{key:D4}";

    private static byte[] MakeValue()
    {
        // Printable and fixed, so a read-back check can compare it.
        var random = new Random(42);
        return Encoding.ASCII.GetBytes(Enumerable.Range(0, ValueSize).Select(_ => (char)('a' + random.Next(26))).ToArray());
    }
}
