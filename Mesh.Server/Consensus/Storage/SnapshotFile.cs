using System.Buffers.Binary;
using System.IO.Hashing;

namespace Mesh.Server.Consensus.Storage;

/// <summary>
/// One snapshot on disk, self-describing and self-checking, so a transfer to a follower is a plain byte copy:
/// <c>[magic:4][version:u32][index:u64][term:u64][configuration length:u32][configuration][data...]</c>
/// then the trailer <c>[data length:u64][crc32 of data:u32][end magic:4]</c>.
/// </summary>
public sealed class SnapshotFile
{
    public const int TrailerBytes = 16;
    private const uint Version = 1;
    private static ReadOnlySpan<byte> Magic => "MSNP"u8;
    private static ReadOnlySpan<byte> EndMagic => "MSNE"u8;

    private SnapshotFile(string path, SnapshotMetadata metadata, long dataOffset, long dataLength, uint crc)
    {
        Path = path;
        Metadata = metadata;
        DataOffset = dataOffset;
        DataLength = dataLength;
        Crc = crc;
    }

    public string Path { get; }

    public SnapshotMetadata Metadata { get; }

    public long DataOffset { get; }

    public long DataLength { get; }

    public uint Crc { get; }

    public long Length => DataOffset + DataLength + TrailerBytes;

    /// <summary>Writes a whole snapshot file: header, the data <paramref name="writeData"/> produces, trailer; fsynced.</summary>
    public static void Write(string path, SnapshotMetadata metadata, Action<Stream> writeData)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        file.Write(Header(metadata));
        var hashing = new HashingWriteStream(file);
        writeData(hashing);
        Span<byte> trailer = stackalloc byte[TrailerBytes];
        BinaryPrimitives.WriteInt64LittleEndian(trailer, hashing.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[8..], hashing.Crc);
        EndMagic.CopyTo(trailer[12..]);
        file.Write(trailer);
        file.Flush(flushToDisk: true);
    }

    /// <summary>Reads and checks the header and trailer (not the data; see <see cref="Verify"/>).</summary>
    public static SnapshotFile Open(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var fixedHeader = new byte[28];
        if (file.Length < fixedHeader.Length + TrailerBytes || file.ReadAtLeast(fixedHeader, fixedHeader.Length, false) < fixedHeader.Length
            || !fixedHeader.AsSpan(0, 4).SequenceEqual(Magic))
        {
            throw Corrupt(path, "not a snapshot file");
        }
        if (BinaryPrimitives.ReadUInt32LittleEndian(fixedHeader.AsSpan(4)) != Version)
        {
            throw Corrupt(path, "unknown snapshot format version");
        }
        var configurationLength = BinaryPrimitives.ReadUInt32LittleEndian(fixedHeader.AsSpan(24));
        if (configurationLength > file.Length - fixedHeader.Length - TrailerBytes)
        {
            throw Corrupt(path, "bad configuration length");
        }
        var configuration = new byte[configurationLength];
        file.ReadExactly(configuration);
        var trailer = new byte[TrailerBytes];
        file.Seek(-TrailerBytes, SeekOrigin.End);
        file.ReadExactly(trailer);
        var dataOffset = fixedHeader.Length + configurationLength;
        var dataLength = BinaryPrimitives.ReadInt64LittleEndian(trailer);
        if (!trailer.AsSpan(12).SequenceEqual(EndMagic) || dataLength != file.Length - dataOffset - TrailerBytes)
        {
            throw Corrupt(path, "truncated");
        }
        var metadata = new SnapshotMetadata(
            BinaryPrimitives.ReadUInt64LittleEndian(fixedHeader.AsSpan(8)),
            BinaryPrimitives.ReadUInt64LittleEndian(fixedHeader.AsSpan(16)),
            ClusterConfiguration.Decode(configuration));
        return new SnapshotFile(path, metadata, dataOffset, dataLength, BinaryPrimitives.ReadUInt32LittleEndian(trailer.AsSpan(8)));
    }

    /// <summary>Checks the data against its checksum; throws <see cref="InvalidDataException"/> when it does not match.</summary>
    public void Verify()
    {
        var crc = new Crc32();
        using var data = OpenData();
        var buffer = new byte[1 << 16];
        int read;
        while ((read = data.Read(buffer)) > 0)
        {
            crc.Append(buffer.AsSpan(0, read));
        }
        if (crc.GetCurrentHashAsUInt32() != Crc)
        {
            throw Corrupt(Path, "checksum mismatch");
        }
    }

    /// <summary>The state machine's data, as it was written.</summary>
    public Stream OpenData()
    {
        var file = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        file.Position = DataOffset;
        return new BoundedReadStream(file, DataLength);
    }

    private static byte[] Header(SnapshotMetadata metadata)
    {
        var configuration = metadata.Configuration.Encode();
        var header = new byte[28 + configuration.Length];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), Version);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(8), metadata.Index);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(16), metadata.Term);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(24), (uint)configuration.Length);
        configuration.CopyTo(header.AsSpan(28));
        return header;
    }

    private static InvalidDataException Corrupt(string path, string why) => new($"Snapshot {path} is corrupt ({why}).");

    /// <summary>Counts and checksums what passes through on its way to the file.</summary>
    private sealed class HashingWriteStream(Stream inner) : Stream
    {
        private readonly Crc32 _crc = new();

        public uint Crc => _crc.GetCurrentHashAsUInt32();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Written;

        public override long Position { get => Written; set => throw new NotSupportedException(); }

        private long Written { get; set; }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _crc.Append(buffer);
            inner.Write(buffer);
            Written += buffer.Length;
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>Reads at most <c>length</c> bytes of the inner stream from where it stands.</summary>
    private sealed class BoundedReadStream(Stream inner, long length) : Stream
    {
        private readonly long _length = length;
        private long _remaining = length;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => _length;

        public override long Position { get => _length - _remaining; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_remaining == 0)
            {
                return 0;
            }
            var read = inner.Read(buffer[..(int)Math.Min(buffer.Length, _remaining)]);
            if (read == 0)
            {
                throw new EndOfStreamException("The snapshot file ended before its data did.");
            }
            _remaining -= read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
