using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Mesh.Server.Cluster;

/// <summary>
/// Consul's snapshot file: a gzipped tar of meta.json (<see cref="SnapshotMeta"/>), state.bin (the state store's
/// JSON) and SHA256SUMS, the SHA-256 of both, which every read checks. Failures read as Consul's
/// ("failed to read snapshot file: failed checking integrity of snapshot: hash check failed for "state.bin"").
/// </summary>
public static class SnapshotArchive
{
    public const string MetaFile = "meta.json";
    public const string StateFile = "state.bin";
    public const string SumsFile = "SHA256SUMS";

    private static readonly JsonSerializerOptions MetaJson = new() { PropertyNameCaseInsensitive = true };
    private static readonly string[] HashedFiles = [MetaFile, StateFile];

    /// <summary>Writes the archive of <paramref name="state"/> described by <paramref name="meta"/>.</summary>
    public static async Task WriteAsync(Stream destination, SnapshotMeta meta, ArraySegment<byte> state, DateTimeOffset modified, CancellationToken cancellationToken = default)
    {
        // Go's json.Encoder ends the document with a newline.
        var metaBytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(meta) + "\n");
        var sums = new StringBuilder()
            .Append(Convert.ToHexStringLower(SHA256.HashData(metaBytes))).Append("  ").Append(MetaFile).Append('\n')
            .Append(Convert.ToHexStringLower(SHA256.HashData(state))).Append("  ").Append(StateFile).Append('\n');
        var gzip = new GZipStream(destination, CompressionLevel.Optimal, leaveOpen: true);
        await using (gzip.ConfigureAwait(false))
        {
            var tar = new TarWriter(gzip, TarEntryFormat.Ustar, leaveOpen: true);
            await using (tar.ConfigureAwait(false))
            {
                await WriteEntryAsync(tar, MetaFile, new MemoryStream(metaBytes, writable: false), modified, cancellationToken).ConfigureAwait(false);
                await WriteEntryAsync(tar, StateFile, new MemoryStream(state.Array!, state.Offset, state.Count, writable: false), modified, cancellationToken).ConfigureAwait(false);
                await WriteEntryAsync(tar, SumsFile, new MemoryStream(Encoding.UTF8.GetBytes(sums.ToString()), writable: false), modified, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reads and verifies an archive arriving on a stream (an HTTP body), buffering it whole.</summary>
    public static async Task<VerifiedSnapshot> ReadAsync(Stream source, CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        await source.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        buffer.Position = 0;
        return Read(buffer);
    }

    /// <summary>Reads and verifies an archive from a seekable stream (a file, a buffer). Throws <see cref="InvalidDataException"/>.</summary>
    public static VerifiedSnapshot Read(Stream archive)
    {
        Span<byte> magic = stackalloc byte[2];
        if (archive.ReadAtLeast(magic, 2, throwOnEndOfStream: false) < 2 || magic[0] != 0x1f || magic[1] != 0x8b)
        {
            throw new InvalidDataException("failed to decompress snapshot: gzip: invalid header");
        }
        archive.Seek(-2, SeekOrigin.Current);
        using var gzip = new GZipStream(archive, CompressionMode.Decompress, leaveOpen: true);
        using var tar = new TarReader(gzip);
        var contents = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        while (Next(tar) is { } entry)
        {
            if (entry.Name is not (MetaFile or StateFile or SumsFile))
            {
                throw Unreadable($"unexpected file \"{entry.Name}\" in snapshot");
            }
            contents[entry.Name] = Content(entry);
        }
        Verify(contents);
        SnapshotMeta? meta;
        try
        {
            meta = JsonSerializer.Deserialize<SnapshotMeta>(contents[MetaFile], MetaJson);
        }
        catch (JsonException ex)
        {
            throw Unreadable($"failed to decode snapshot metadata: {ex.Message}");
        }
        return new VerifiedSnapshot(meta ?? throw Unreadable("failed to decode snapshot metadata: it is empty"), contents[StateFile]);
    }

    /// <summary>SHA256SUMS must list exactly meta.json and state.bin, each with the hash of what the archive holds.</summary>
    private static void Verify(Dictionary<string, byte[]> contents)
    {
        var listed = new Dictionary<string, string>(StringComparer.Ordinal);
        var sums = Encoding.UTF8.GetString(contents.GetValueOrDefault(SumsFile) ?? []);
        foreach (var line in sums.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split("  ", 2);
            if (parts.Length != 2)
            {
                throw Integrity($"malformed line \"{line}\" in {SumsFile}");
            }
            if (!HashedFiles.Contains(parts[1]))
            {
                throw Integrity($"list missing hash for \"{parts[1]}\"");
            }
            var actual = Convert.ToHexStringLower(SHA256.HashData(contents.GetValueOrDefault(parts[1]) ?? []));
            if (!string.Equals(parts[0], actual, StringComparison.OrdinalIgnoreCase))
            {
                throw Integrity($"hash check failed for \"{parts[1]}\"");
            }
            listed[parts[1]] = parts[0];
        }
        foreach (var file in HashedFiles)
        {
            if (!listed.ContainsKey(file) || !contents.ContainsKey(file))
            {
                throw Integrity($"file missing for \"{file}\"");
            }
        }
    }

    private static TarEntry? Next(TarReader tar)
    {
        try
        {
            return tar.GetNextEntry(copyData: false);
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException or IOException)
        {
            throw Unreadable($"failed reading snapshot: {ex.Message}");
        }
    }

    private static byte[] Content(TarEntry entry)
    {
        if (entry.DataStream is not { } data)
        {
            return [];
        }
        try
        {
            using var copy = new MemoryStream();
            data.CopyTo(copy);
            return copy.ToArray();
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or IOException)
        {
            throw Unreadable($"failed to read snapshot data: {ex.Message}");
        }
    }

    private static InvalidDataException Integrity(string reason) => Unreadable($"failed checking integrity of snapshot: {reason}");

    private static InvalidDataException Unreadable(string reason) => new($"failed to read snapshot file: {reason}");

    private static async Task WriteEntryAsync(TarWriter tar, string name, MemoryStream data, DateTimeOffset modified, CancellationToken cancellationToken)
    {
        using (data)
        {
            var entry = new UstarTarEntry(TarEntryType.RegularFile, name)
            {
                DataStream = data,
                ModificationTime = modified,
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            };
            await tar.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>An archive whose checksums held: its metadata and the state it carries.</summary>
public sealed record VerifiedSnapshot(SnapshotMeta Meta, byte[] State);
