using System.Buffers.Binary;
using System.Net;
using System.Text;
using System.Text.Unicode;

namespace Mesh.Server.Gossip;

/// <summary>
/// Reads the gossip encoding without throwing: every read returns false on bad input and records why
/// (<see cref="Error"/>), so the receive path can drop and count instead of failing.
/// </summary>
internal ref struct WireReader(ReadOnlySpan<byte> input)
{
    private readonly ReadOnlySpan<byte> _input = input;
    private int _position;

    public DropReason? Error { get; private set; }

    public readonly bool AtEnd => _position == _input.Length;

    public readonly int Remaining => _input.Length - _position;

    public bool Fail(DropReason reason)
    {
        Error ??= reason;
        return false;
    }

    public bool Byte(out byte value)
    {
        value = 0;
        if (!Take(1, out var span))
        {
            return false;
        }
        value = span[0];
        return true;
    }

    public bool Bool(out bool value)
    {
        value = false;
        if (!Byte(out var raw))
        {
            return false;
        }
        if (raw > 1)
        {
            return Fail(DropReason.Malformed);
        }
        value = raw == 1;
        return true;
    }

    public bool UInt16(out ushort value)
    {
        value = 0;
        if (!Take(2, out var span))
        {
            return false;
        }
        value = BinaryPrimitives.ReadUInt16BigEndian(span);
        return true;
    }

    public bool UInt32(out uint value)
    {
        value = 0;
        if (!Take(4, out var span))
        {
            return false;
        }
        value = BinaryPrimitives.ReadUInt32BigEndian(span);
        return true;
    }

    public bool UInt64(out ulong value)
    {
        value = 0;
        if (!Take(8, out var span))
        {
            return false;
        }
        value = BinaryPrimitives.ReadUInt64BigEndian(span);
        return true;
    }

    public bool Bytes(int length, out ReadOnlySpan<byte> value) => Take(length, out value);

    /// <summary>Opaque bytes with a 2-byte length.</summary>
    public bool Blob(out byte[] value)
    {
        value = [];
        if (!UInt16(out var length) || !Take(length, out var span))
        {
            return false;
        }
        value = span.ToArray();
        return true;
    }

    /// <summary>A length-prefixed UTF-8 string; <paramref name="allowEmpty"/> false for names.</summary>
    public bool String(out string value, bool allowEmpty = false)
    {
        value = "";
        if (!Byte(out var length) || !Take(length, out var span))
        {
            return false;
        }
        if ((length == 0 && !allowEmpty) || !Utf8.IsValid(span))
        {
            return Fail(DropReason.Malformed);
        }
        value = Encoding.UTF8.GetString(span);
        return true;
    }

    public bool Endpoint(out IPEndPoint endpoint)
    {
        endpoint = null!;
        if (!Byte(out var family))
        {
            return false;
        }
        var size = family switch { 4 => 4, 6 => 16, _ => 0 };
        if (size == 0)
        {
            return Fail(DropReason.Malformed);
        }
        if (!Take(size, out var address) || !UInt16(out var port))
        {
            return false;
        }
        if (port == 0)
        {
            return Fail(DropReason.Malformed);
        }
        endpoint = new IPEndPoint(new IPAddress(address), port);
        return true;
    }

    public bool Metadata(out MemberMetadata metadata)
    {
        metadata = MemberMetadata.Empty;
        var start = _position;
        if (!Byte(out var count))
        {
            return false;
        }
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            if (!String(out var key) || !String(out var value, allowEmpty: true))
            {
                return false;
            }
            if (!entries.TryAdd(key, value))
            {
                return Fail(DropReason.Malformed);
            }
        }
        if (_position - start > MemberMetadata.MaxEncodedSize)
        {
            return Fail(DropReason.Oversized);
        }
        var built = MemberMetadata.TryCreate(entries);
        if (built is null)
        {
            return Fail(DropReason.Malformed);
        }
        metadata = built;
        return true;
    }

    private bool Take(int length, out ReadOnlySpan<byte> span)
    {
        span = default;
        if (Error is not null)
        {
            return false;
        }
        if (length > _input.Length - _position)
        {
            return Fail(DropReason.Truncated);
        }
        span = _input.Slice(_position, length);
        _position += length;
        return true;
    }
}
