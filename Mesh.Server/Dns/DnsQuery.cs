using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Mesh.Server.Dns;

/// <summary>
/// A query as the agent reads it: the header, its one question and the EDNS0 UDP size if an OPT record came along.
/// <see cref="Name"/> is kept as sent (lookups lower-case it; the reply echoes it).
/// </summary>
internal sealed record DnsQuery(ushort Id, byte Opcode, bool RecursionDesired, string Name, DnsType Type, ushort Class, int? EdnsUdpSize)
{
    /// <summary>False for anything that is not a well-formed query with one question: the caller drops it.</summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, [NotNullWhen(true)] out DnsQuery? query)
    {
        query = null;
        if (packet.Length < DnsLimits.HeaderSize)
        {
            return false;
        }
        var flags = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        var questions = BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
        var records = BinaryPrimitives.ReadUInt16BigEndian(packet[6..]) + BinaryPrimitives.ReadUInt16BigEndian(packet[8..]);
        var additional = BinaryPrimitives.ReadUInt16BigEndian(packet[10..]);
        // A response (QR set) sent to us, or anything but a single question, is not a query we can answer.
        if ((flags & 0x8000) != 0 || questions != 1)
        {
            return false;
        }
        var offset = DnsLimits.HeaderSize;
        if (!TryReadName(packet, ref offset, out var name) || offset + 4 > packet.Length)
        {
            return false;
        }
        var type = BinaryPrimitives.ReadUInt16BigEndian(packet[offset..]);
        var @class = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]);
        offset += 4;
        int? edns = null;
        for (var i = 0; i < records + additional; i++)
        {
            if (!TryReadName(packet, ref offset, out _) || offset + 10 > packet.Length)
            {
                return false;
            }
            var recordType = BinaryPrimitives.ReadUInt16BigEndian(packet[offset..]);
            var recordClass = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 8)..]);
            offset += 10 + length;
            if (offset > packet.Length)
            {
                return false;
            }
            if (i >= records && recordType == (ushort)DnsType.Opt)
            {
                // RFC 6891: the OPT record's class is the requester's UDP payload size; below 512 means 512.
                edns = Math.Max((int)recordClass, DnsLimits.ClassicUdpSize);
            }
        }
        query = new DnsQuery(
            BinaryPrimitives.ReadUInt16BigEndian(packet),
            (byte)((flags >> 11) & 0xF),
            (flags & 0x0100) != 0,
            name,
            (DnsType)type,
            @class,
            edns);
        return true;
    }

    /// <summary>Reads a (possibly compressed) name as dotted text ending in "." ("." for the root).</summary>
    internal static bool TryReadName(ReadOnlySpan<byte> packet, ref int offset, [NotNullWhen(true)] out string? name)
    {
        name = null;
        var text = new System.Text.StringBuilder();
        var position = offset;
        var jumped = false;
        var jumps = 0;
        var length = 0;
        while (true)
        {
            if (position >= packet.Length)
            {
                return false;
            }
            var label = packet[position];
            if ((label & 0xC0) == 0xC0)
            {
                // A compression pointer; a loop of them is malformed, so their number is bounded.
                if (position + 1 >= packet.Length || ++jumps > 32)
                {
                    return false;
                }
                if (!jumped)
                {
                    offset = position + 2;
                    jumped = true;
                }
                position = ((label & 0x3F) << 8) | packet[position + 1];
                continue;
            }
            if ((label & 0xC0) != 0)
            {
                return false;
            }
            if (label == 0)
            {
                if (!jumped)
                {
                    offset = position + 1;
                }
                break;
            }
            length += label + 1;
            if (position + 1 + label > packet.Length || length > DnsLimits.MaxNameLength)
            {
                return false;
            }
            text.Append(System.Text.Encoding.Latin1.GetString(packet.Slice(position + 1, label))).Append('.');
            position += 1 + label;
        }
        name = text.Length == 0 ? "." : text.ToString();
        return true;
    }
}
