using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Mesh.Server.Consensus.Storage;

/// <summary>
/// One preallocated segment of the log: a 16-byte header (magic, first index) then records. Its length is set
/// once at creation, so appends never change file metadata and an fsync only flushes data.
/// </summary>
internal sealed class SegmentFile : IDisposable
{
    public const int HeaderBytes = 16;
    private static ReadOnlySpan<byte> Magic => "MESHRAFT"u8;

    private readonly SafeFileHandle _handle;
    private readonly List<long> _offsets = [];

    private SegmentFile(string path, SafeFileHandle handle, ulong firstIndex, long capacity)
    {
        Path = path;
        _handle = handle;
        FirstIndex = firstIndex;
        Capacity = capacity;
        WriteOffset = HeaderBytes;
    }

    public string Path { get; }

    public ulong FirstIndex { get; }

    public long Capacity { get; }

    public long WriteOffset { get; private set; }

    public int Count => _offsets.Count;

    public ulong LastIndex => FirstIndex + (ulong)_offsets.Count - 1;

    public bool Dirty { get; private set; }

    public static string NameFor(ulong firstIndex) => $"{firstIndex:D20}.log";

    public static SegmentFile Create(string directory, ulong firstIndex, long capacity)
    {
        var path = System.IO.Path.Combine(directory, NameFor(firstIndex));
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, FileOptions.None, capacity);
        try
        {
            RandomAccess.SetLength(handle, capacity);
            Span<byte> header = stackalloc byte[HeaderBytes];
            Magic.CopyTo(header);
            BinaryPrimitives.WriteUInt64LittleEndian(header[8..], firstIndex);
            RandomAccess.Write(handle, header, 0);
            return new SegmentFile(path, handle, firstIndex, capacity) { Dirty = true };
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Opens a segment; null if its header is not intact (a segment whose creation never reached the disk).</summary>
    public static SegmentFile? Open(string path, ulong expectedFirstIndex)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        Span<byte> header = stackalloc byte[HeaderBytes];
        if (RandomAccess.Read(handle, header, 0) != HeaderBytes
            || !header[..8].SequenceEqual(Magic)
            || BinaryPrimitives.ReadUInt64LittleEndian(header[8..]) != expectedFirstIndex)
        {
            handle.Dispose();
            return null;
        }
        return new SegmentFile(path, handle, expectedFirstIndex, RandomAccess.GetLength(handle));
    }

    /// <summary>Reads the record at <paramref name="offset"/>.</summary>
    public LogRecord.ReadResult Read(long offset, out LogRecord record, out int size)
    {
        Span<byte> header = stackalloc byte[LogRecord.HeaderBytes];
        var read = RandomAccess.Read(_handle, header, offset);
        var length = read == header.Length ? BinaryPrimitives.ReadUInt32LittleEndian(header) : 0;
        var available = Capacity - offset;
        var wanted = length == 0 || length > available ? read : (int)Math.Min(available, LogRecord.HeaderBytes + length + 7L);
        var buffer = new byte[wanted];
        var got = RandomAccess.Read(_handle, buffer, offset);
        return LogRecord.TryRead(buffer.AsSpan(0, got), out record, out size);
    }

    /// <summary>Records the record at <paramref name="offset"/> of <paramref name="size"/> bytes as live (recovery).</summary>
    public void Adopt(long offset, int size)
    {
        _offsets.Add(offset);
        WriteOffset = offset + size;
    }

    /// <summary>Recovery stopped at <paramref name="offset"/>: new records go there.</summary>
    public void EndAt(long offset) => WriteOffset = offset;

    /// <summary>Zeroes everything from <paramref name="offset"/> on and syncs, so nothing of a torn batch can resurface.</summary>
    public void ZeroFrom(long offset)
    {
        var zeros = new byte[1 << 20];
        for (var position = offset; position < Capacity; position += zeros.Length)
        {
            RandomAccess.Write(_handle, zeros.AsSpan(0, (int)Math.Min(zeros.Length, Capacity - position)), position);
        }
        RandomAccess.FlushToDisk(_handle);
        WriteOffset = offset;
    }

    public bool HasRoomFor(long bytes) => WriteOffset + bytes <= Capacity;

    public void Write(ReadOnlySpan<byte> records, IEnumerable<int> sizes)
    {
        RandomAccess.Write(_handle, records, WriteOffset);
        foreach (var size in sizes)
        {
            _offsets.Add(WriteOffset);
            WriteOffset += size;
        }
        Dirty = true;
    }

    /// <summary>Drops records after <paramref name="lastKept"/>, zeroing their bytes so no stale record survives behind the end.</summary>
    public void TruncateAfter(ulong lastKept)
    {
        var keep = (int)(lastKept + 1 - FirstIndex);
        if (keep >= _offsets.Count)
        {
            return;
        }
        var from = _offsets[keep];
        RandomAccess.Write(_handle, new byte[WriteOffset - from], from);
        WriteOffset = from;
        _offsets.RemoveRange(keep, _offsets.Count - keep);
        Dirty = true;
    }

    /// <summary>The raw bytes from <paramref name="offset"/> to the end of the segment (recovery's scan for newer data).</summary>
    public byte[] ReadRest(long offset)
    {
        var buffer = new byte[Capacity - offset];
        var read = RandomAccess.Read(_handle, buffer, offset);
        return read == buffer.Length ? buffer : buffer[..read];
    }

    public void Sync()
    {
        if (Dirty)
        {
            RandomAccess.FlushToDisk(_handle);
            Dirty = false;
        }
    }

    public void Delete()
    {
        _handle.Dispose();
        File.Delete(Path);
    }

    public void Dispose() => _handle.Dispose();
}
