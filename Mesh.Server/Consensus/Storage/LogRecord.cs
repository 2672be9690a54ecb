using System.Buffers.Binary;
using System.IO.Hashing;

namespace Mesh.Server.Consensus.Storage;

/// <summary>
/// One log entry on disk: <c>[length:u32][crc32:u32][generation:u64][index:u64][term:u64][kind:u8][data]</c>,
/// padded to 8 bytes. The CRC covers everything after it. A zero length word marks the end of the data.
/// The generation grows with every sync and every truncation, so a record older than the one before it is
/// left-over data behind a rewrite, and a damaged record followed by data two generations newer is corruption
/// rather than a torn write.
/// </summary>
internal readonly record struct LogRecord(ulong Generation, LogEntry Entry)
{
    public const int HeaderBytes = 8;
    private const int FixedPayloadBytes = 25;

    public static int SizeOf(LogEntry entry) => Align(HeaderBytes + FixedPayloadBytes + entry.Data.Length);

    public static void Write(Span<byte> destination, ulong generation, LogEntry entry)
    {
        var length = FixedPayloadBytes + entry.Data.Length;
        var payload = destination.Slice(HeaderBytes, length);
        BinaryPrimitives.WriteUInt64LittleEndian(payload, generation);
        BinaryPrimitives.WriteUInt64LittleEndian(payload[8..], entry.Index);
        BinaryPrimitives.WriteUInt64LittleEndian(payload[16..], entry.Term);
        payload[24] = (byte)entry.Kind;
        entry.Data.CopyTo(payload[FixedPayloadBytes..]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)length);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], Crc32.HashToUInt32(payload));
        destination[(HeaderBytes + length)..SizeOf(entry)].Clear();
    }

    /// <summary>What is at the start of <paramref name="source"/>: a record, the end of data, or damage.</summary>
    public static ReadResult TryRead(ReadOnlySpan<byte> source, out LogRecord record, out int size)
    {
        record = default;
        size = 0;
        if (source.Length < HeaderBytes)
        {
            return source.IndexOfAnyExcept((byte)0) < 0 ? ReadResult.End : ReadResult.Damaged;
        }
        var length = BinaryPrimitives.ReadUInt32LittleEndian(source);
        if (length == 0)
        {
            return ReadResult.End;
        }
        if (length < FixedPayloadBytes || length > source.Length - HeaderBytes)
        {
            return ReadResult.Damaged;
        }
        var payload = source.Slice(HeaderBytes, (int)length);
        if (Crc32.HashToUInt32(payload) != BinaryPrimitives.ReadUInt32LittleEndian(source[4..]))
        {
            return ReadResult.Damaged;
        }
        var kind = (EntryKind)payload[24];
        if (!Enum.IsDefined(kind))
        {
            return ReadResult.Damaged;
        }
        var entry = new LogEntry(
            BinaryPrimitives.ReadUInt64LittleEndian(payload[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(payload[16..]),
            kind,
            payload[FixedPayloadBytes..].ToArray());
        record = new LogRecord(BinaryPrimitives.ReadUInt64LittleEndian(payload), entry);
        size = Math.Min(Align(HeaderBytes + (int)length), source.Length);
        return ReadResult.Record;
    }

    private static int Align(int size) => (size + 7) & ~7;

    public enum ReadResult
    {
        Record,
        End,
        Damaged,
    }
}
