using System.Formats.Tar;
using System.IO.Compression;

namespace Mesh.Server.Tests.Cluster;

/// <summary>Takes snapshot archives apart and puts them back together, to damage them the way disks and people do.</summary>
internal static class SnapshotFiles
{
    /// <summary>The archive's files by name, in order.</summary>
    public static List<(string Name, byte[] Data)> Unpack(byte[] archive)
    {
        using var gzip = new GZipStream(new MemoryStream(archive), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        var files = new List<(string, byte[])>();
        while (tar.GetNextEntry(copyData: true) is { } entry)
        {
            using var data = new MemoryStream();
            entry.DataStream?.CopyTo(data);
            files.Add((entry.Name, data.ToArray()));
        }
        return files;
    }

    /// <summary>A well-formed gzipped tar of these files, whatever they say.</summary>
    public static byte[] Pack(IEnumerable<(string Name, byte[] Data)> files)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Ustar))
        {
            foreach (var (name, data) in files)
            {
                tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
            }
        }
        return output.ToArray();
    }

    /// <summary>The archive with one file's content replaced (its checksum left as it was).</summary>
    public static byte[] Replace(byte[] archive, string name, Func<byte[], byte[]> change) =>
        Pack(Unpack(archive).Select(f => f.Name == name ? (f.Name, change(f.Data)) : f));
}
