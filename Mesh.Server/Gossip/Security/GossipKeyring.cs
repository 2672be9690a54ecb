using System.Security.Cryptography;

namespace Mesh.Server.Gossip;

/// <summary>
/// The gossip encryption keys, as Consul's keyring: the primary key encrypts, every installed key may decrypt,
/// so keys rotate without downtime (install everywhere, use everywhere, then remove the old one). Thread-safe.
/// Keys are base64 as in Consul's <c>encrypt</c> setting and <c>consul keygen</c>.
/// </summary>
public sealed class GossipKeyring
{
    /// <summary>The key size <see cref="GenerateKey"/> produces (AES-256).</summary>
    public const int KeySize = 32;

    // memberlist's wording, which Consul reports per member.
    internal const string NotInstalled = "Requested key is not in the keyring";
    internal const string RemovingPrimary = "Removing the primary key is not allowed";

    private readonly Lock _gate = new();
    private byte[][] _keys;

    /// <summary>Creates a keyring whose primary key is <paramref name="primaryKey"/>, with <paramref name="otherKeys"/> installed.</summary>
    public GossipKeyring(string primaryKey, params IEnumerable<string> otherKeys)
    {
        var primary = ParseKey(primaryKey);
        _keys = [primary, .. otherKeys.Select(ParseKey).Where(key => !key.AsSpan().SequenceEqual(primary))];
    }

    /// <summary>A new random key, base64-encoded (what <c>mesh keygen</c> prints).</summary>
    public static string GenerateKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeySize));

    /// <summary>Decodes a base64 key of 16, 24 or 32 bytes (AES-128/192/256, as memberlist accepts).</summary>
    public static byte[] ParseKey(string key) =>
        TryParseKey(key, out var bytes) is { } error ? throw new ArgumentException($"gossip: {error}", nameof(key)) : bytes;

    /// <summary>Decodes a base64 key; returns why it is not one, or null.</summary>
    public static string? TryParseKey(string key, out byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(key);
        bytes = new byte[key.Length];
        if (!Convert.TryFromBase64String(key.Trim(), bytes, out var length))
        {
            bytes = [];
            return "the encryption key is not valid base64";
        }
        bytes = bytes[..length];
        return length is 16 or 24 or 32 ? null : $"the encryption key must be 16, 24 or 32 bytes, not {length}";
    }

    /// <summary>The primary key, base64.</summary>
    public string PrimaryKey
    {
        get
        {
            lock (_gate)
            {
                return Convert.ToBase64String(_keys[0]);
            }
        }
    }

    /// <summary>All installed keys, base64, the primary first.</summary>
    public IReadOnlyList<string> List()
    {
        lock (_gate)
        {
            return [.. _keys.Select(Convert.ToBase64String)];
        }
    }

    /// <summary>Adds a key that may decrypt; installing an installed key does nothing.</summary>
    public void Install(string key)
    {
        var bytes = ParseKey(key);
        lock (_gate)
        {
            if (IndexOf(bytes) < 0)
            {
                _keys = [.. _keys, bytes];
            }
        }
    }

    /// <summary>Makes an installed key the primary (encrypting) key.</summary>
    public void Use(string key)
    {
        var bytes = ParseKey(key);
        lock (_gate)
        {
            var index = IndexOf(bytes);
            if (index < 0)
            {
                throw new InvalidOperationException(NotInstalled);
            }
            _keys = [_keys[index], .. _keys.Where((_, i) => i != index)];
        }
    }

    /// <summary>Removes a key; the primary key cannot be removed.</summary>
    public void Remove(string key)
    {
        var bytes = ParseKey(key);
        lock (_gate)
        {
            var index = IndexOf(bytes);
            if (index == 0)
            {
                throw new InvalidOperationException(RemovingPrimary);
            }
            if (index > 0)
            {
                _keys = [.. _keys.Where((_, i) => i != index)];
            }
        }
    }

    /// <summary>The current keys, primary first; the array is never mutated after publication.</summary>
    internal byte[][] Keys
    {
        get
        {
            lock (_gate)
            {
                return _keys;
            }
        }
    }

    private int IndexOf(byte[] key) => Array.FindIndex(_keys, existing => existing.AsSpan().SequenceEqual(key));
}
