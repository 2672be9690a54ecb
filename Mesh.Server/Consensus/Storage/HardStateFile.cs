using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Mesh.Server.Consensus.Storage;

/// <summary>
/// The term and vote, in one small checksummed file replaced atomically (write a temporary file, fsync, rename,
/// fsync the directory): after a crash it holds either the old or the new hard state, never a mix.
/// Format: <c>[magic:8][crc32:u32][length:u32][term:u64][vote length:u16][vote utf-8]</c>.
/// </summary>
public sealed class HardStateFile
{
    private const string FileName = "hardstate";
    private static ReadOnlySpan<byte> Magic => "MESHVOTE"u8;

    private readonly string _directory;

    public HardStateFile(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        _directory = directory;
    }

    private string PathName => Path.Combine(_directory, FileName);

    /// <summary>The stored hard state; <see cref="HardState.Initial"/> if none was ever saved.</summary>
    public HardState Load()
    {
        if (!File.Exists(PathName))
        {
            return HardState.Initial;
        }
        var data = File.ReadAllBytes(PathName);
        if (data.Length < 16 || !data.AsSpan(0, 8).SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{PathName} is not a Raft hard state file.");
        }
        var length = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(12));
        if (length > data.Length - 16 || length < 10
            || Crc32.HashToUInt32(data.AsSpan(16, (int)length)) != BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(8)))
        {
            throw new InvalidDataException($"{PathName} is corrupt (checksum mismatch); the server's term and vote are unknown.");
        }
        var payload = data.AsSpan(16, (int)length);
        var voteLength = BinaryPrimitives.ReadUInt16LittleEndian(payload[8..]);
        if (voteLength > payload.Length - 10)
        {
            throw new InvalidDataException($"{PathName} is corrupt (bad vote length).");
        }
        var vote = voteLength == 0 ? null : Encoding.UTF8.GetString(payload.Slice(10, voteLength));
        return new HardState(BinaryPrimitives.ReadUInt64LittleEndian(payload), vote);
    }

    /// <summary>Stores <paramref name="state"/> durably before returning.</summary>
    public void Save(HardState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Directory.CreateDirectory(_directory);
        var vote = Encoding.UTF8.GetBytes(state.VotedFor ?? "");
        var data = new byte[16 + 10 + vote.Length];
        var payload = data.AsSpan(16);
        BinaryPrimitives.WriteUInt64LittleEndian(payload, state.Term);
        BinaryPrimitives.WriteUInt16LittleEndian(payload[8..], (ushort)vote.Length);
        vote.CopyTo(payload[10..]);
        Magic.CopyTo(data);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(8), Crc32.HashToUInt32(payload));
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(12), (uint)payload.Length);
        var temporary = PathName + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(data);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, PathName, overwrite: true);
        DirectorySync.Flush(_directory);
    }
}
