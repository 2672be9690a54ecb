namespace Mesh.Server.Consensus.Storage;

/// <summary>
/// The durable Raft log: preallocated segment files of checksummed records (<see cref="LogRecord"/>).
/// <see cref="Append"/> writes (replacing stored entries from the first one's index on), <see cref="Sync"/>
/// makes everything durable. Opening recovers: a torn tail (a damaged record with nothing newer behind it: a
/// write cut short by a crash) is cut off; a damaged record with later synced data behind it is corruption,
/// and opening fails with a clear error rather than silently dropping entries that were acknowledged.
/// </summary>
public sealed class SegmentedLog : IDisposable
{
    public const long DefaultSegmentBytes = 64L << 20;

    private readonly string _directory;
    private readonly long _segmentBytes;
    private readonly List<SegmentFile> _segments = [];
    private bool _directoryDirty;
    private ulong _generation;

    private SegmentedLog(string directory, long segmentBytes)
    {
        _directory = directory;
        _segmentBytes = segmentBytes;
    }

    /// <summary>First stored index, or 0 when empty.</summary>
    public ulong FirstIndex => _segments.Count == 0 ? 0 : _segments[0].FirstIndex;

    /// <summary>Last stored index, or 0 when empty.</summary>
    public ulong LastIndex => _segments.Count == 0 ? 0 : _segments[^1].LastIndex;

    public bool IsEmpty => _segments.Count == 0;

    /// <summary>Whether a log was ever written in <paramref name="directory"/> (a segment file exists).</summary>
    public static bool HasEntries(string directory) =>
        Directory.Exists(directory) && Directory.EnumerateFiles(directory, "*.log").Any();

    /// <summary>Opens (creating) the log in <paramref name="directory"/> and returns the entries it holds, in order.</summary>
    public static SegmentedLog Open(string directory, out IReadOnlyList<LogEntry> entries, long segmentBytes = DefaultSegmentBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(segmentBytes, 4096);
        Directory.CreateDirectory(directory);
        var log = new SegmentedLog(directory, segmentBytes);
        try
        {
            entries = log.Recover();
            return log;
        }
        catch
        {
            log.Dispose();
            throw;
        }
    }

    private List<LogEntry> Recover()
    {
        var files = Directory.GetFiles(_directory, "*.log").Order(StringComparer.Ordinal).ToList();
        var entries = new List<LogEntry>();
        ulong newest = 0;
        for (var i = 0; i < files.Count; i++)
        {
            var path = files[i];
            if (!ulong.TryParse(Path.GetFileNameWithoutExtension(path), out var first))
            {
                throw new InvalidDataException($"Unexpected file {path} in the Raft log directory.");
            }
            var segment = SegmentFile.Open(path, first);
            if (segment is null)
            {
                if (i != files.Count - 1)
                {
                    throw new InvalidDataException($"Raft log segment {path} has a damaged header and later segments exist; the log is corrupt.");
                }
                // The newest segment's creation never reached the disk: nothing in it was synced.
                File.Delete(path);
                _directoryDirty = true;
                continue;
            }
            _segments.Add(segment);
            if (!ReadSegment(segment, entries, ref newest, files.Skip(i + 1)))
            {
                // A torn tail: whatever follows was never synced.
                files.Skip(i + 1).ToList().ForEach(File.Delete);
                _directoryDirty = true;
                break;
            }
        }
        if (_segments.Count > 0 && _segments[^1].Count == 0)
        {
            _segments[^1].Delete();
            _segments.RemoveAt(_segments.Count - 1);
            _directoryDirty = true;
        }
        _generation = newest + 1;
        FlushDirectory();
        return entries;
    }

    /// <summary>Reads a segment's records into <paramref name="entries"/>; false if it ends in a torn tail.</summary>
    private static bool ReadSegment(SegmentFile segment, List<LogEntry> entries, ref ulong newest, IEnumerable<string> later)
    {
        var offset = (long)SegmentFile.HeaderBytes;
        while (true)
        {
            switch (segment.Read(offset, out var record, out var size))
            {
                case LogRecord.ReadResult.End:
                    segment.EndAt(offset);
                    return true;
                case LogRecord.ReadResult.Record:
                    var expected = entries.Count == 0 ? segment.FirstIndex : entries[^1].Index + 1;
                    if (record.Entry.Index != expected || record.Generation < newest)
                    {
                        throw new InvalidDataException(
                            $"Raft log segment {segment.Path} holds entry {record.Entry.Index} (generation {record.Generation}) at offset {offset} " +
                            $"where entry {expected} (generation {newest} or later) belongs; the log is corrupt.");
                    }
                    entries.Add(record.Entry);
                    segment.Adopt(offset, size);
                    newest = record.Generation;
                    offset += size;
                    break;
                default:
                    var last = entries.Count == 0 ? 0 : entries[^1].Index;
                    if (LaterSyncedData(segment, offset, last, newest, later))
                    {
                        throw new InvalidDataException(
                            $"Raft log segment {segment.Path} is damaged at offset {offset}, after entry {last}, and entries synced later follow; " +
                            "refusing to start rather than lose acknowledged entries. Restore this server's data directory, or remove the server " +
                            "from the cluster and add it back with an empty one.");
                    }
                    segment.ZeroFrom(offset);
                    return false;
            }
        }
    }

    /// <summary>
    /// Whether data written after a later sync follows a damaged record. Every sync and every truncation starts a
    /// new generation: records at most one generation newer than the last intact one may be the unsynced batch
    /// the crash cut short; anything newer, or any record in a later segment (a segment is synced before the
    /// next one starts), proves the damaged record had been synced.
    /// </summary>
    private static bool LaterSyncedData(SegmentFile segment, long damaged, ulong last, ulong newest, IEnumerable<string> later)
    {
        var rest = segment.ReadRest(damaged);
        for (var position = 8; position + LogRecord.HeaderBytes <= rest.Length; position += 8)
        {
            if (LogRecord.TryRead(rest.AsSpan(position), out var record, out _) == LogRecord.ReadResult.Record
                && record.Entry.Index > last
                && record.Generation >= newest + 2)
            {
                return true;
            }
        }
        foreach (var path in later)
        {
            if (ulong.TryParse(Path.GetFileNameWithoutExtension(path), out var first) && SegmentFile.Open(path, first) is { } next)
            {
                using (next)
                {
                    if (next.Read(SegmentFile.HeaderBytes, out _, out _) == LogRecord.ReadResult.Record)
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /// <summary>Writes entries (durable at the next <see cref="Sync"/>); stored entries at or after <c>entries[0].Index</c> are replaced.</summary>
    public void Append(IReadOnlyList<LogEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }
        var first = entries[0].Index;
        if (!IsEmpty && first <= LastIndex)
        {
            TruncateFrom(first);
        }
        else if (!IsEmpty && first != LastIndex + 1)
        {
            throw new InvalidOperationException($"Entry {first} would leave a gap after the last stored entry {LastIndex}.");
        }
        var start = 0;
        while (start < entries.Count)
        {
            var size = LogRecord.SizeOf(entries[start]);
            if (_segments.Count == 0 || !_segments[^1].HasRoomFor(size))
            {
                StartSegment(entries[start].Index, size);
            }
            start += WriteBatch(_segments[^1], entries, start);
        }
    }

    /// <summary>Writes as many entries as fit in the segment with one call; returns how many.</summary>
    private int WriteBatch(SegmentFile segment, IReadOnlyList<LogEntry> entries, int start)
    {
        var sizes = new List<int>();
        long bytes = 0;
        for (var i = start; i < entries.Count; i++)
        {
            var size = LogRecord.SizeOf(entries[i]);
            if (!segment.HasRoomFor(bytes + size))
            {
                break;
            }
            sizes.Add(size);
            bytes += size;
        }
        var buffer = new byte[bytes];
        var position = 0;
        for (var i = 0; i < sizes.Count; i++)
        {
            LogRecord.Write(buffer.AsSpan(position, sizes[i]), _generation, entries[start + i]);
            position += sizes[i];
        }
        segment.Write(buffer, sizes);
        return sizes.Count;
    }

    private void StartSegment(ulong firstIndex, int recordBytes)
    {
        // The full segment is synced first, so that a newer segment's existence proves it durable.
        if (_segments.Count > 0)
        {
            _segments[^1].Sync();
        }
        _segments.Add(SegmentFile.Create(_directory, firstIndex, Math.Max(_segmentBytes, SegmentFile.HeaderBytes + recordBytes)));
        _directoryDirty = true;
    }

    /// <summary>
    /// Replaces the tail (a follower's conflicting entries): newer segments are deleted newest first, the rest
    /// zeroed, and that is synced before anything new is written, so no stale record can outlive a crash behind
    /// newer ones.
    /// </summary>
    private void TruncateFrom(ulong index)
    {
        while (_segments.Count > 0 && _segments[^1].FirstIndex >= index)
        {
            _segments[^1].Delete();
            _segments.RemoveAt(_segments.Count - 1);
            _directoryDirty = true;
        }
        if (_segments.Count > 0)
        {
            _segments[^1].TruncateAfter(index - 1);
        }
        Sync();
    }

    /// <summary>Makes every write so far durable.</summary>
    public void Sync()
    {
        foreach (var segment in _segments)
        {
            segment.Sync();
        }
        FlushDirectory();
        _generation++;
    }

    /// <summary>Deletes whole segments holding only entries below <paramref name="firstIndexToKeep"/> (oldest first).</summary>
    public void CompactBefore(ulong firstIndexToKeep)
    {
        while (_segments.Count > 1 && _segments[1].FirstIndex <= firstIndexToKeep)
        {
            _segments[0].Delete();
            _segments.RemoveAt(0);
            _directoryDirty = true;
        }
    }

    /// <summary>Deletes every entry (a snapshot replaced the log), newest first so a crash leaves a prefix; durable on return.</summary>
    public void Clear()
    {
        for (var i = _segments.Count - 1; i >= 0; i--)
        {
            _segments[i].Delete();
        }
        _segments.Clear();
        _directoryDirty = true;
        Sync();
    }

    private void FlushDirectory()
    {
        if (_directoryDirty)
        {
            DirectorySync.Flush(_directory);
            _directoryDirty = false;
        }
    }

    public void Dispose()
    {
        foreach (var segment in _segments)
        {
            segment.Dispose();
        }
        _segments.Clear();
    }
}
