using System.Globalization;

namespace Mesh.Server.Consensus.Storage;

/// <summary>
/// A server's snapshots in one directory: the two newest are kept (one may still be streaming to a follower while
/// the next is taken). A snapshot becomes visible only once complete and synced: it is written to a temporary
/// file, fsynced, renamed, and the directory synced.
/// </summary>
public sealed class SnapshotStore : IDisposable
{
    private const int Keep = 2;
    private const string Extension = ".snap";
    private const string ReceivingName = "receiving.tmp";

    private readonly string _directory;
    private readonly Lock _lock = new();
    private readonly List<SnapshotFile> _snapshots;
    private FileStream? _receiving;
    private SnapshotMetadata? _receivingMetadata;

    private SnapshotStore(string directory, List<SnapshotFile> snapshots)
    {
        _directory = directory;
        _snapshots = snapshots;
    }

    /// <summary>The newest complete snapshot that passed its checksum at open, or was stored since.</summary>
    public SnapshotFile? Newest
    {
        get
        {
            lock (_lock)
            {
                return _snapshots.Count == 0 ? null : _snapshots[^1];
            }
        }
    }

    /// <summary>
    /// Opens the directory, discarding unfinished files. A snapshot whose checksum fails is skipped, so a damaged
    /// newest file falls back to the one before it.
    /// </summary>
    public static SnapshotStore Open(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var unfinished in Directory.EnumerateFiles(directory, "*.tmp"))
        {
            File.Delete(unfinished);
        }
        var snapshots = new List<SnapshotFile>();
        foreach (var path in Directory.EnumerateFiles(directory, "*" + Extension).Order(StringComparer.Ordinal))
        {
            try
            {
                var snapshot = SnapshotFile.Open(path);
                snapshot.Verify();
                snapshots.Add(snapshot);
            }
            catch (InvalidDataException)
            {
                // Left on disk for inspection; the older snapshot (or the log) serves instead.
            }
        }
        return new SnapshotStore(directory, snapshots);
    }

    /// <summary>Stores a snapshot the local state machine captured.</summary>
    public SnapshotFile Save(SnapshotMetadata metadata, Action<Stream> writeData)
    {
        var temporary = System.IO.Path.Combine(_directory, NameOf(metadata) + ".tmp");
        SnapshotFile.Write(temporary, metadata, writeData);
        return Publish(temporary, metadata);
    }

    /// <summary>Writes a chunk of a snapshot arriving from the leader; offset 0 starts it over. Synced by <see cref="Install"/>.</summary>
    public void WriteChunk(SnapshotMetadata metadata, long offset, ReadOnlySpan<byte> data)
    {
        if (offset == 0 || _receiving is null || !metadata.SameAs(_receivingMetadata))
        {
            _receiving?.Dispose();
            _receiving = new FileStream(System.IO.Path.Combine(_directory, ReceivingName), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            _receivingMetadata = metadata;
        }
        _receiving.SetLength(offset);
        _receiving.Position = offset;
        _receiving.Write(data);
    }

    /// <summary>
    /// Makes <paramref name="metadata"/> the current snapshot: the one just received (checked against its checksum
    /// and the metadata the leader announced), or one already stored.
    /// </summary>
    public SnapshotFile Install(SnapshotMetadata metadata)
    {
        if (_receiving is not null && metadata.SameAs(_receivingMetadata))
        {
            _receiving.Flush(flushToDisk: true);
            _receiving.Dispose();
            _receiving = null;
            _receivingMetadata = null;
            var temporary = System.IO.Path.Combine(_directory, ReceivingName);
            var received = SnapshotFile.Open(temporary);
            if (!received.Metadata.SameAs(metadata))
            {
                throw new InvalidDataException($"The leader announced {metadata} but sent {received.Metadata}.");
            }
            received.Verify();
            return Publish(temporary, metadata);
        }
        return Get(metadata) ?? throw new InvalidOperationException($"No stored {metadata} to install.");
    }

    /// <summary>Up to <paramref name="maxBytes"/> of a stored snapshot's file from <paramref name="offset"/>; null if it is gone.</summary>
    public (byte[] Data, bool Last)? ReadChunk(SnapshotMetadata metadata, long offset, int maxBytes)
    {
        if (Get(metadata) is not { } snapshot)
        {
            return null;
        }
        try
        {
            using var file = new FileStream(snapshot.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var length = (int)Math.Clamp(file.Length - offset, 0, maxBytes);
            var data = new byte[length];
            file.Position = offset;
            file.ReadExactly(data);
            return (data, offset + length >= file.Length);
        }
        catch (FileNotFoundException)
        {
            // Pruned since: the leader starts that follower over with a newer snapshot.
            return null;
        }
    }

    /// <summary>The stored snapshot with this index and term, if it is still kept.</summary>
    public SnapshotFile? Get(SnapshotMetadata metadata)
    {
        lock (_lock)
        {
            return _snapshots.Find(s => s.Metadata.SameAs(metadata));
        }
    }

    private SnapshotFile Publish(string temporary, SnapshotMetadata metadata)
    {
        var path = System.IO.Path.Combine(_directory, NameOf(metadata) + Extension);
        File.Move(temporary, path, overwrite: true);
        DirectorySync.Flush(_directory);
        var snapshot = SnapshotFile.Open(path);
        List<SnapshotFile> pruned;
        lock (_lock)
        {
            _snapshots.RemoveAll(s => s.Path == path);
            _snapshots.Add(snapshot);
            _snapshots.Sort((a, b) => a.Metadata.Index.CompareTo(b.Metadata.Index));
            pruned = _snapshots.Count > Keep ? _snapshots[..^Keep] : [];
            _snapshots.RemoveRange(0, pruned.Count);
        }
        foreach (var old in pruned)
        {
            File.Delete(old.Path);
        }
        return snapshot;
    }

    // Zero-padded so that name order is index order.
    private static string NameOf(SnapshotMetadata metadata) =>
        string.Create(CultureInfo.InvariantCulture, $"snapshot-{metadata.Index:D20}-{metadata.Term:D20}");

    public void Dispose() => _receiving?.Dispose();
}
