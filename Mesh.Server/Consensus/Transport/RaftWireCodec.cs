using System.Buffers.Binary;
using System.Text;

namespace Mesh.Server.Consensus.Transport;

/// <summary>
/// The binary form of Raft messages between servers. A batch is a message count (uint32) followed by the
/// messages; a message is a type tag, From, To, Term, then its own fields. Integers are little-endian, strings
/// (UTF-8) and byte arrays carry a uint32 length, booleans are one byte 0 or 1, an entry is index, term, kind and
/// data, and a snapshot's configuration is <see cref="ClusterConfiguration.Encode"/> as a byte array.
/// Anything malformed fails with <see cref="InvalidDataException"/>, before any large allocation.
/// </summary>
internal static class RaftWireCodec
{
    private const int HeaderBytes = 1 + 4 + 4 + 8;
    private const int EntryBytes = 8 + 8 + 1 + 4;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private enum Tag : byte
    {
        Vote = 1,
        VoteResponse = 2,
        Append = 3,
        AppendResponse = 4,
        Heartbeat = 5,
        HeartbeatResponse = 6,
        Snapshot = 7,
        SnapshotResponse = 8,
        TimeoutNow = 9,
    }

    /// <summary>The encoded size of one message inside a batch.</summary>
    public static int Measure(RaftMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var size = HeaderBytes + Encoding.UTF8.GetByteCount(message.From) + Encoding.UTF8.GetByteCount(message.To);
        return size + message switch
        {
            VoteRequest => 8 + 8 + 1 + 1,
            VoteResponse => 1 + 1,
            AppendRequest append => 8 + 8 + 4 + MeasureEntries(append.Entries) + 8 + 8,
            AppendResponse => 1 + 8 + 8 + 8 + 8,
            HeartbeatRequest => 8 + 8,
            HeartbeatResponse => 8,
            SnapshotRequest snapshot => 8 + 8 + 4 + snapshot.Snapshot.Configuration.Encode().Length + 8 + 4 + snapshot.Data.Length + 1,
            SnapshotResponse => 8 + 8 + 1,
            TimeoutNowRequest => 0,
            _ => throw Unsupported(message),
        };
    }

    private static int MeasureEntries(IReadOnlyList<LogEntry> entries)
    {
        var size = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            size += EntryBytes + entries[i].Data.Length;
        }
        return size;
    }

    /// <remarks>Measuring and writing index the lists: they run for every message sent, so no enumerators.</remarks>
    public static int MeasureBatch(IReadOnlyList<RaftMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var size = 4;
        for (var i = 0; i < messages.Count; i++)
        {
            size += Measure(messages[i]);
        }
        return size;
    }

    /// <summary>Writes a batch into exactly <see cref="MeasureBatch"/> bytes.</summary>
    public static void WriteBatch(IReadOnlyList<RaftMessage> messages, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var writer = new Writer(destination);
        writer.UInt32((uint)messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            Write(ref writer, messages[i]);
        }
        writer.EnsureFull();
    }

    public static byte[] EncodeBatch(IReadOnlyList<RaftMessage> messages)
    {
        var bytes = new byte[MeasureBatch(messages)];
        WriteBatch(messages, bytes);
        return bytes;
    }

    public static IReadOnlyList<RaftMessage> DecodeBatch(ReadOnlySpan<byte> data)
    {
        var reader = new Reader(data);
        var messages = new RaftMessage[reader.Count(HeaderBytes)];
        for (var i = 0; i < messages.Length; i++)
        {
            messages[i] = Read(ref reader);
        }
        if (reader.Remaining > 0)
        {
            throw new InvalidDataException($"A Raft batch has {reader.Remaining} bytes after its last message.");
        }
        return messages;
    }

    private static void Write(ref Writer writer, RaftMessage message)
    {
        writer.Byte((byte)TagOf(message));
        writer.String(message.From);
        writer.String(message.To);
        writer.UInt64(message.Term);
        switch (message)
        {
            case VoteRequest vote:
                writer.UInt64(vote.LastLogIndex);
                writer.UInt64(vote.LastLogTerm);
                writer.Bool(vote.PreVote);
                writer.Bool(vote.Transfer);
                break;
            case VoteResponse vote:
                writer.Bool(vote.Granted);
                writer.Bool(vote.PreVote);
                break;
            case AppendRequest append:
                writer.UInt64(append.PrevLogIndex);
                writer.UInt64(append.PrevLogTerm);
                writer.UInt32((uint)append.Entries.Count);
                for (var i = 0; i < append.Entries.Count; i++)
                {
                    var entry = append.Entries[i];
                    writer.UInt64(entry.Index);
                    writer.UInt64(entry.Term);
                    writer.Byte((byte)entry.Kind);
                    writer.Bytes(entry.Data);
                }
                writer.UInt64(append.LeaderCommit);
                writer.UInt64(append.Round);
                break;
            case AppendResponse append:
                writer.Bool(append.Success);
                writer.UInt64(append.Index);
                writer.UInt64(append.HintIndex);
                writer.UInt64(append.HintTerm);
                writer.UInt64(append.Round);
                break;
            case HeartbeatRequest heartbeat:
                writer.UInt64(heartbeat.Commit);
                writer.UInt64(heartbeat.Round);
                break;
            case HeartbeatResponse heartbeat:
                writer.UInt64(heartbeat.Round);
                break;
            case SnapshotRequest snapshot:
                writer.UInt64(snapshot.Snapshot.Index);
                writer.UInt64(snapshot.Snapshot.Term);
                writer.Bytes(snapshot.Snapshot.Configuration.Encode());
                writer.Int64(snapshot.Offset);
                writer.Bytes(snapshot.Data);
                writer.Bool(snapshot.Last);
                break;
            case SnapshotResponse snapshot:
                writer.UInt64(snapshot.SnapshotIndex);
                writer.Int64(snapshot.NextOffset);
                writer.Bool(snapshot.Done);
                break;
        }
    }

    private static RaftMessage Read(ref Reader reader)
    {
        var tag = (Tag)reader.Byte();
        var from = reader.String();
        var to = reader.String();
        var term = reader.UInt64();
        return tag switch
        {
            Tag.Vote => new VoteRequest(from, to, term, reader.UInt64(), reader.UInt64(), reader.Bool(), reader.Bool()),
            Tag.VoteResponse => new VoteResponse(from, to, term, reader.Bool(), reader.Bool()),
            Tag.Append => new AppendRequest(from, to, term, reader.UInt64(), reader.UInt64(), ReadEntries(ref reader), reader.UInt64(), reader.UInt64()),
            Tag.AppendResponse => new AppendResponse(from, to, term, reader.Bool(), reader.UInt64(), reader.UInt64(), reader.UInt64(), reader.UInt64()),
            Tag.Heartbeat => new HeartbeatRequest(from, to, term, reader.UInt64(), reader.UInt64()),
            Tag.HeartbeatResponse => new HeartbeatResponse(from, to, term, reader.UInt64()),
            Tag.Snapshot => new SnapshotRequest(from, to, term, ReadSnapshot(ref reader), reader.Int64(), reader.Bytes(), reader.Bool()),
            Tag.SnapshotResponse => new SnapshotResponse(from, to, term, reader.UInt64(), reader.Int64(), reader.Bool()),
            Tag.TimeoutNow => new TimeoutNowRequest(from, to, term),
            _ => throw new InvalidDataException($"A Raft message has the unknown type {(byte)tag}."),
        };
    }

    private static LogEntry[] ReadEntries(ref Reader reader)
    {
        var entries = new LogEntry[reader.Count(EntryBytes)];
        for (var i = 0; i < entries.Length; i++)
        {
            var index = reader.UInt64();
            var term = reader.UInt64();
            var kind = (EntryKind)reader.Byte();
            if (!Enum.IsDefined(kind))
            {
                throw new InvalidDataException($"A Raft log entry has the unknown kind {(byte)kind}.");
            }
            entries[i] = new LogEntry(index, term, kind, reader.Bytes());
        }
        return entries;
    }

    private static SnapshotMetadata ReadSnapshot(ref Reader reader)
    {
        var index = reader.UInt64();
        var term = reader.UInt64();
        try
        {
            return new SnapshotMetadata(index, term, ClusterConfiguration.Decode(reader.Span()));
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException)
        {
            // Decode reads with BinaryReader and builds the configuration, whose own checks throw these.
            throw new InvalidDataException($"A Raft snapshot's configuration is corrupt: {e.Message}");
        }
    }

    private static Tag TagOf(RaftMessage message) => message switch
    {
        VoteRequest => Tag.Vote,
        VoteResponse => Tag.VoteResponse,
        AppendRequest => Tag.Append,
        AppendResponse => Tag.AppendResponse,
        HeartbeatRequest => Tag.Heartbeat,
        HeartbeatResponse => Tag.HeartbeatResponse,
        SnapshotRequest => Tag.Snapshot,
        SnapshotResponse => Tag.SnapshotResponse,
        TimeoutNowRequest => Tag.TimeoutNow,
        _ => throw Unsupported(message),
    };

    private static ArgumentException Unsupported(RaftMessage message) =>
        new($"The Raft wire format has no encoding for {message.GetType().Name}.", nameof(message));

    private ref struct Writer(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;
        private int _position;

        public void Byte(byte value) => _buffer[_position++] = value;

        public void Bool(bool value) => Byte(value ? (byte)1 : (byte)0);

        public void UInt32(uint value)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(_buffer[_position..], value);
            _position += 4;
        }

        public void UInt64(ulong value)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(_buffer[_position..], value);
            _position += 8;
        }

        public void Int64(long value) => UInt64((ulong)value);

        public void String(string value)
        {
            var length = Encoding.UTF8.GetBytes(value, _buffer[(_position + 4)..]);
            UInt32((uint)length);
            _position += length;
        }

        public void Bytes(ReadOnlySpan<byte> value)
        {
            UInt32((uint)value.Length);
            value.CopyTo(_buffer[_position..]);
            _position += value.Length;
        }

        public readonly void EnsureFull()
        {
            if (_position != _buffer.Length)
            {
                throw new ArgumentException($"A Raft batch took {_position} bytes, not the {_buffer.Length} measured.");
            }
        }
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position;

        public readonly int Remaining => _data.Length - _position;

        public byte Byte() => Take(1)[0];

        public bool Bool() => Byte() switch
        {
            0 => false,
            1 => true,
            var value => throw new InvalidDataException($"A Raft message has the invalid boolean {value}."),
        };

        public uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

        public ulong UInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

        public long Int64() => (long)UInt64();

        /// <summary>A count of items of at least <paramref name="minimumBytes"/> each, checked against what is left.</summary>
        public int Count(int minimumBytes)
        {
            var count = UInt32();
            if (count > (uint)(Remaining / minimumBytes))
            {
                throw Truncated();
            }
            return (int)count;
        }

        public ReadOnlySpan<byte> Span() => Take(Count(1));

        public byte[] Bytes() => Span().ToArray();

        public string String()
        {
            try
            {
                return StrictUtf8.GetString(Span());
            }
            catch (DecoderFallbackException)
            {
                throw new InvalidDataException("A Raft message has a string that is not UTF-8.");
            }
        }

        private ReadOnlySpan<byte> Take(int length)
        {
            if (length > Remaining)
            {
                throw Truncated();
            }
            var span = _data.Slice(_position, length);
            _position += length;
            return span;
        }

        private static InvalidDataException Truncated() => new("A Raft message is truncated.");
    }
}
