using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Mesh.Server.Gossip;

/// <summary>Writes the compact big-endian gossip encoding; strings and collections are length-prefixed.</summary>
internal sealed class WireWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(128);

    public int Length => _buffer.WrittenCount;

    public void Byte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    public void Bool(bool value) => Byte(value ? (byte)1 : (byte)0);

    public void UInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.GetSpan(2), value);
        _buffer.Advance(2);
    }

    public void UInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    public void UInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    public void Bytes(ReadOnlySpan<byte> value) => _buffer.Write(value);

    /// <summary>One length byte, then UTF-8; callers validate lengths where names enter the system.</summary>
    public void String(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        if (length > byte.MaxValue)
        {
            throw new ArgumentException($"'{value[..16]}...' is longer than {byte.MaxValue} bytes", nameof(value));
        }
        Byte((byte)length);
        Encoding.UTF8.GetBytes(value, _buffer.GetSpan(length));
        _buffer.Advance(length);
    }

    /// <summary>Address family as 4 or 6, the address bytes, then the port.</summary>
    public void Endpoint(IPEndPoint endpoint)
    {
        var ipv4 = endpoint.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
        Byte(ipv4 ? (byte)4 : (byte)6);
        var span = _buffer.GetSpan(16);
        endpoint.Address.TryWriteBytes(span, out var written);
        _buffer.Advance(written);
        UInt16((ushort)endpoint.Port);
    }

    /// <summary>Opaque bytes with a 2-byte length.</summary>
    public void Blob(ReadOnlySpan<byte> value)
    {
        if (value.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"{value.Length} bytes is more than the {ushort.MaxValue} a field holds", nameof(value));
        }
        UInt16((ushort)value.Length);
        Bytes(value);
    }

    public void Metadata(MemberMetadata metadata)
    {
        Byte((byte)metadata.Count);
        foreach (var (key, value) in metadata)
        {
            String(key);
            String(value);
        }
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}
