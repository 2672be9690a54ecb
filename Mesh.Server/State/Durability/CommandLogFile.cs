using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text.Json;

namespace Mesh.Server.State.Durability;

/// <summary>
/// An append-only file of committed commands: each record is <c>[length:int32][crc32:uint32][index:uint64][json]</c>.
/// Reading stops at a torn tail (an incomplete or mismatching last record, what a crash mid-write leaves) and
/// truncates it; a damaged record with intact records after it is corruption, and refused.
/// </summary>
internal sealed class CommandLogFile : IDisposable
{
    private const int HeaderSize = 8;
    private const int IndexSize = 8;
    private readonly FileStream _stream;

    private CommandLogFile(FileStream stream) => _stream = stream;

    public string Path => _stream.Name;

    /// <summary>Opens (creating) the log, returning its intact records and leaving the file positioned after them.</summary>
    public static CommandLogFile Open(string path, out List<(ulong Index, StateCommand Command)> records)
    {
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 4096, FileOptions.None);
        try
        {
            records = ReadAll(stream, out var validLength);
            if (validLength < stream.Length)
            {
                stream.SetLength(validLength);
                stream.Flush(flushToDisk: true);
            }
            stream.Position = validLength;
            return new CommandLogFile(stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Appends records without syncing; <see cref="Sync"/> makes them durable.</summary>
    public void Append(ulong index, StateCommand command)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(command, StateJson.Options);
        var record = new byte[HeaderSize + IndexSize + json.Length];
        var payload = record.AsSpan(HeaderSize);
        BinaryPrimitives.WriteUInt64LittleEndian(payload, index);
        json.CopyTo(payload[IndexSize..]);
        BinaryPrimitives.WriteInt32LittleEndian(record, payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), Crc32.HashToUInt32(payload));
        _stream.Write(record);
    }

    public void Sync() => _stream.Flush(flushToDisk: true);

    /// <summary>Empties the log once a snapshot holds everything in it.</summary>
    public void Truncate()
    {
        _stream.SetLength(0);
        _stream.Flush(flushToDisk: true);
    }

    public void Dispose() => _stream.Dispose();

    private static List<(ulong, StateCommand)> ReadAll(FileStream stream, out long validLength)
    {
        var records = new List<(ulong, StateCommand)>();
        var header = new byte[HeaderSize];
        validLength = 0;
        stream.Position = 0;
        while (true)
        {
            var start = stream.Position;
            if (stream.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false) < HeaderSize)
            {
                return records;
            }
            var length = BinaryPrimitives.ReadInt32LittleEndian(header);
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4));
            if (length < IndexSize || length > stream.Length - stream.Position)
            {
                return TornTail(stream, start, records);
            }
            var payload = new byte[length];
            stream.ReadExactly(payload);
            if (Crc32.HashToUInt32(payload) != crc)
            {
                return TornTail(stream, start, records);
            }
            var index = BinaryPrimitives.ReadUInt64LittleEndian(payload);
            var command = JsonSerializer.Deserialize<StateCommand>(payload.AsSpan(IndexSize), StateJson.Options)
                ?? throw new InvalidDataException($"{stream.Name}: empty command at offset {start}");
            records.Add((index, command));
            validLength = stream.Position;
        }
    }

    // A bad record is a torn tail only if nothing written follows it: an interrupted append reaches the end of the
    // file (or leaves zeros there); intact-looking bytes after a bad record mean corruption, not a crash.
    private static List<(ulong, StateCommand)> TornTail(FileStream stream, long start, List<(ulong, StateCommand)> records)
    {
        stream.Position = start;
        Span<byte> header = stackalloc byte[HeaderSize];
        var read = stream.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false);
        var length = read == HeaderSize ? BinaryPrimitives.ReadInt32LittleEndian(header) : 0;
        if (length >= IndexSize && start + HeaderSize + (long)length >= stream.Length)
        {
            return records;
        }
        stream.Position = start;
        var buffer = new byte[64 * 1024];
        int count;
        while ((count = stream.Read(buffer)) > 0)
        {
            if (buffer.AsSpan(0, count).ContainsAnyExcept((byte)0))
            {
                throw new InvalidDataException(
                    $"{stream.Name}: damaged record at offset {start} with data after it; refusing to guess (restore from a snapshot)");
            }
        }
        return records;
    }
}
