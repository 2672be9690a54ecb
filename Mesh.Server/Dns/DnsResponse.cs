namespace Mesh.Server.Dns;

/// <summary>
/// Encodes an answer for its transport. Over UDP the reply is cut to fit the client's buffer (512 bytes, or its
/// EDNS0 size) and, without EDNS0, to udp_answer_limit answers as Consul does; a cut reply carries TC so the client
/// asks again over TCP, which gets everything that fits in a TCP message.
/// </summary>
internal static class DnsResponse
{
    // The EDNS0 size the agent advertises in its own OPT record.
    private const ushort AdvertisedUdpSize = 4096;

    public static byte[] Encode(DnsQuery query, DnsAnswer answer, bool recursionAvailable, bool udp, int udpAnswerLimit)
    {
        var maxSize = udp ? query.EdnsUdpSize ?? DnsLimits.ClassicUdpSize : DnsLimits.MaxMessageSize;
        var count = answer.Answers.Count;
        if (udp && query.EdnsUdpSize is null && udpAnswerLimit > 0)
        {
            count = Math.Min(count, udpAnswerLimit);
        }
        var writer = Write(query, answer, count, recursionAvailable, truncated: count < answer.Answers.Count, authoritative: true);
        if (writer.Length <= maxSize)
        {
            return writer.Written.ToArray();
        }
        // The most answers that fit: a binary search over the answer count.
        var (low, high) = (0, count - 1);
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (Write(query, answer, middle, recursionAvailable, truncated: true, authoritative: true).Length <= maxSize)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }
        return Write(query, answer, low, recursionAvailable, truncated: true, authoritative: true).Written.ToArray();
    }

    /// <summary>A reply with no records (refused, not implemented, a server failure): no authority is claimed.</summary>
    public static byte[] Empty(DnsQuery query, DnsRcode rcode, bool recursionAvailable) =>
        Write(query, DnsAnswer.Of(rcode), 0, recursionAvailable, truncated: false, authoritative: false).Written.ToArray();

    private static DnsMessageWriter Write(DnsQuery query, DnsAnswer answer, int answerCount, bool recursionAvailable, bool truncated, bool authoritative)
    {
        var answers = answer.Answers.Take(answerCount).ToList();
        // Additional records only for the answers kept (the A records of the SRV targets left in).
        var targets = answers.OfType<SrvRecord>().Select(s => s.Target).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var srv = answer.Answers.Any(r => r is SrvRecord);
        var additional = answer.Additional.Where(r => !srv || targets.Contains(r.Name)).ToList();
        var edns = query.EdnsUdpSize is not null;
        var writer = new DnsMessageWriter();
        writer.WriteUInt16(query.Id);
        // QR, the query's opcode, AA (the agent is authoritative for its domain), TC, RD echoed, RA, rcode.
        var flags = 0x8000 | (query.Opcode << 11) | (authoritative ? 0x0400 : 0)
            | (truncated ? 0x0200 : 0) | (query.RecursionDesired ? 0x0100 : 0) | (recursionAvailable ? 0x0080 : 0)
            | (int)answer.Rcode;
        writer.WriteUInt16((ushort)flags);
        writer.WriteUInt16(1);
        writer.WriteUInt16((ushort)answers.Count);
        writer.WriteUInt16((ushort)answer.Authority.Count);
        writer.WriteUInt16((ushort)(additional.Count + (edns ? 1 : 0)));
        writer.WriteName(query.Name, compress: true);
        writer.WriteUInt16((ushort)query.Type);
        writer.WriteUInt16(query.Class);
        foreach (var record in answers.Concat(answer.Authority).Concat(additional))
        {
            writer.WriteRecord(record);
        }
        if (edns)
        {
            // OPT (RFC 6891): root owner, our UDP size in the class field, no extended rcode or options.
            writer.WriteName(".", compress: false);
            writer.WriteUInt16((ushort)DnsType.Opt);
            writer.WriteUInt16(AdvertisedUdpSize);
            writer.WriteUInt32(0);
            writer.WriteUInt16(0);
        }
        return writer;
    }
}
