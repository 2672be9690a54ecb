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
    public static byte[] ParseKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var bytes = new byte[key.Length];
        if (!Convert.TryFromBase64String(key.Trim(), bytes, out var length))
        {
            throw new ArgumentException("gossip: the encryption key is not valid base64", nameof(key));
        }
        if (length is not (16 or 24 or 32))
        {
            throw new ArgumentException($"gossip: the encryption key must be 16, 24 or 32 bytes, not {length}", nameof(key));
        }
        return bytes[..length];
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
                throw new InvalidOperationException("gossip: the key is not installed; install it before using it");
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
                throw new InvalidOperationException("gossip: the primary key cannot be removed; use another key first");
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
