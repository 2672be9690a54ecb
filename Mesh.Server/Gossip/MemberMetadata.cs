using System.Collections;
using System.Text;

namespace Mesh.Server.Gossip;

/// <summary>
/// A member's small, immutable tag map (role, dc, port, build, vsn, expect, ...), compared by value so that a
/// changed map is an update. Encoded size is bounded like memberlist's node meta (512 bytes).
/// </summary>
public sealed class MemberMetadata : IReadOnlyDictionary<string, string>, IEquatable<MemberMetadata>
{
    /// <summary>Largest encoded size of a metadata map (memberlist's MetaMaxSize).</summary>
    public const int MaxEncodedSize = 512;

    /// <summary>Longest key or value in UTF-8 bytes (each is length-prefixed with one byte).</summary>
    public const int MaxEntryLength = 255;

    private readonly SortedDictionary<string, string> _entries;

    public static MemberMetadata Empty { get; } = new(new SortedDictionary<string, string>(StringComparer.Ordinal));

    private MemberMetadata(SortedDictionary<string, string> entries) => _entries = entries;

    /// <summary>Validates and copies a tag map; throws <see cref="ArgumentException"/> when it breaks a limit.</summary>
    public static MemberMetadata From(IEnumerable<KeyValuePair<string, string>> entries)
    {
        if (entries is MemberMetadata metadata)
        {
            return metadata;
        }
        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            sorted[key] = value;
        }
        var error = Validate(sorted);
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(entries));
        }
        return new MemberMetadata(sorted);
    }

    /// <summary>Builds metadata from decoded entries, or returns null when they break a limit.</summary>
    internal static MemberMetadata? TryCreate(SortedDictionary<string, string> entries) =>
        Validate(entries) is null ? new MemberMetadata(entries) : null;

    private static string? Validate(SortedDictionary<string, string> entries)
    {
        if (entries.Count > byte.MaxValue)
        {
            return $"metadata has {entries.Count} entries; at most {byte.MaxValue} are allowed";
        }
        var size = 1;
        foreach (var (key, value) in entries)
        {
            var keyBytes = Encoding.UTF8.GetByteCount(key);
            var valueBytes = Encoding.UTF8.GetByteCount(value);
            if (keyBytes is 0 or > MaxEntryLength || valueBytes > MaxEntryLength)
            {
                return $"metadata entry '{key}' must have a key of 1 to {MaxEntryLength} bytes and a value of at most {MaxEntryLength} bytes";
            }
            size += 2 + keyBytes + valueBytes;
        }
        return size > MaxEncodedSize ? $"metadata is {size} bytes encoded; at most {MaxEncodedSize} are allowed" : null;
    }

    public string this[string key] => _entries[key];

    public IEnumerable<string> Keys => _entries.Keys;

    public IEnumerable<string> Values => _entries.Values;

    public int Count => _entries.Count;

    public bool ContainsKey(string key) => _entries.ContainsKey(key);

    public bool TryGetValue(string key, out string value) => _entries.TryGetValue(key, out value!);

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(MemberMetadata? other) =>
        other is not null && (ReferenceEquals(this, other) || _entries.SequenceEqual(other._entries));

    public override bool Equals(object? obj) => Equals(obj as MemberMetadata);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (key, value) in _entries)
        {
            hash.Add(key);
            hash.Add(value);
        }
        return hash.ToHashCode();
    }

    public override string ToString() => string.Join(",", _entries.Select(entry => $"{entry.Key}={entry.Value}"));
}
