using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Mesh.Server.Dns;

/// <summary>Builds a DNS message in wire format, compressing repeated names (RFC 1035 4.1.4).</summary>
internal sealed class DnsMessageWriter
{
    private readonly Dictionary<string, int> _names = new(StringComparer.OrdinalIgnoreCase);
    private byte[] _buffer = new byte[512];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, Length);

    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Reserve(2), value);

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Reserve(4), value);

    public void WriteAddress(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        bytes.CopyTo(Reserve(bytes.Length));
    }

    /// <summary>A &lt;character-string&gt;: its length in one byte, then at most 255 bytes of it.</summary>
    public void WriteCharacterString(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var length = Math.Min(bytes.Length, byte.MaxValue);
        var span = Reserve(length + 1);
        span[0] = (byte)length;
        bytes.AsSpan(0, length).CopyTo(span[1..]);
    }

    public void PatchUInt16(int at, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(at), value);

    /// <summary>Writes a dotted name; with <paramref name="compress"/>, a suffix written before becomes a pointer.</summary>
    public void WriteName(string name, bool compress)
    {
        var rest = name.TrimEnd('.');
        while (rest.Length > 0)
        {
            if (compress && _names.TryGetValue(rest, out var pointer))
            {
                WriteUInt16((ushort)(0xC000 | pointer));
                return;
            }
            // Pointers hold 14 bits: names written past 16 KiB are not offered for reuse.
            if (Length < 0x3FFF)
            {
                _names.TryAdd(rest, Length);
            }
            var dot = rest.IndexOf('.', StringComparison.Ordinal);
            var label = dot < 0 ? rest : rest[..dot];
            var bytes = Encoding.Latin1.GetBytes(label);
            var span = Reserve(1 + Math.Min(bytes.Length, DnsLimits.MaxLabelLength));
            span[0] = (byte)(span.Length - 1);
            bytes.AsSpan(0, span.Length - 1).CopyTo(span[1..]);
            rest = dot < 0 ? "" : rest[(dot + 1)..];
        }
        Reserve(1)[0] = 0;
    }

    /// <summary>One resource record: owner, type, class IN, TTL, then its data with the length filled in.</summary>
    public void WriteRecord(DnsRecord record)
    {
        WriteName(record.Name, compress: true);
        WriteUInt16((ushort)record.Type);
        WriteUInt16(DnsLimits.ClassInternet);
        WriteUInt32(record.Ttl);
        var lengthAt = Length;
        WriteUInt16(0);
        record.WriteData(this);
        PatchUInt16(lengthAt, (ushort)(Length - lengthAt - 2));
    }

    private Span<byte> Reserve(int count)
    {
        if (Length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + count));
        }
        var span = _buffer.AsSpan(Length, count);
        Length += count;
        return span;
    }
}
