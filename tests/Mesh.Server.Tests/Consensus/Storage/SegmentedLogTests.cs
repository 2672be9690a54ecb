using Mesh.Server.Consensus;
using Mesh.Server.Consensus.Storage;

namespace Mesh.Server.Tests.Consensus.Storage;

/// <summary>The segment-file log on real files in a temporary directory.</summary>
public sealed class SegmentedLogTests : IDisposable
{
    private const long SegmentBytes = 4096;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "raftlog-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static LogEntry Entry(ulong index, ulong term = 1, int size = 100) =>
        new(index, term, EntryKind.Command, [.. Enumerable.Range(0, size).Select(i => (byte)(index + (ulong)i))]);

    private static List<LogEntry> Entries(ulong from, ulong to, ulong term = 1) =>
        [.. Enumerable.Range((int)from, (int)(to - from + 1)).Select(i => Entry((ulong)i, term))];

    private IReadOnlyList<LogEntry> Reopen()
    {
        using var log = SegmentedLog.Open(_directory, out var entries, SegmentBytes);
        return entries;
    }

    private static void AssertSame(IEnumerable<LogEntry> expected, IReadOnlyList<LogEntry> actual)
    {
        Assert.Equal(expected.Select(e => (e.Index, e.Term, e.Kind)), actual.Select(e => (e.Index, e.Term, e.Kind)));
        Assert.All(expected.Zip(actual), pair => Assert.Equal(pair.First.Data, pair.Second.Data));
    }

    /// <summary>Byte offset of entry <paramref name="index"/> in its segment, for entries written by <see cref="Entries"/>.</summary>
    private string SegmentOf(ulong index) =>
        Directory.GetFiles(_directory, "*.log").Order(StringComparer.Ordinal)
            .Last(f => ulong.Parse(Path.GetFileNameWithoutExtension(f)) <= index);

    private static long OffsetOf(string segment, ulong index)
    {
        var first = ulong.Parse(Path.GetFileNameWithoutExtension(segment));
        return SegmentFile.HeaderBytes + Entries(first, index - 1).Sum(e => (long)LogRecord.SizeOf(e));
    }

    private static void Damage(string segment, long offset)
    {
        using var stream = new FileStream(segment, FileMode.Open, FileAccess.Write);
        stream.Position = offset + 20;
        stream.Write([0xFF, 0xEE, 0xDD, 0xCC]);
    }

    [Fact]
    public void EntriesSurviveReopeningAcrossPreallocatedSegments()
    {
        using (var log = SegmentedLog.Open(_directory, out var empty, SegmentBytes))
        {
            Assert.Empty(empty);
            log.Append(Entries(1, 100));
            log.Sync();
            Assert.Equal((1UL, 100UL), (log.FirstIndex, log.LastIndex));
        }

        AssertSame(Entries(1, 100), Reopen());
        var segments = Directory.GetFiles(_directory, "*.log");
        Assert.True(segments.Length > 2, "100 entries of ~140 bytes span several 4 KiB segments");
        Assert.All(segments, s => Assert.Equal(SegmentBytes, new FileInfo(s).Length));
    }

    [Fact]
    public void ConflictingTailIsReplacedEvenAcrossSegments()
    {
        using (var log = SegmentedLog.Open(_directory, out _, SegmentBytes))
        {
            log.Append(Entries(1, 100));
            log.Sync();
            log.Append(Entries(40, 45, term: 2));
            log.Sync();
            Assert.Equal(45UL, log.LastIndex);
        }

        AssertSame(Entries(1, 39).Concat(Entries(40, 45, term: 2)), Reopen());
    }

    [Fact]
    public void TornTailIsCutOffAndWritingResumesThere()
    {
        using (var log = SegmentedLog.Open(_directory, out _, SegmentBytes))
        {
            log.Append(Entries(1, 5));
            log.Sync();
            log.Append(Entries(6, 8));
        }
        var segment = SegmentOf(7);
        Damage(segment, OffsetOf(segment, 7));

        using (var log = SegmentedLog.Open(_directory, out var recovered, SegmentBytes))
        {
            AssertSame(Entries(1, 6), recovered);
            log.Append(Entries(7, 9, term: 2));
            log.Sync();
        }

        AssertSame(Entries(1, 6).Concat(Entries(7, 9, term: 2)), Reopen());
    }

    [Fact]
    public void DamagedRecordFollowedByLaterSyncedEntriesIsRefused()
    {
        using (var log = SegmentedLog.Open(_directory, out _, SegmentBytes))
        {
            for (ulong batch = 0; batch < 3; batch++)
            {
                log.Append(Entries(batch * 3 + 1, batch * 3 + 3));
                log.Sync();
            }
        }
        var segment = SegmentOf(2);
        Damage(segment, OffsetOf(segment, 2));

        var error = Assert.Throws<InvalidDataException>(() => Reopen());

        Assert.Contains("damaged at offset", error.Message, StringComparison.Ordinal);
        Assert.Contains("refusing to start", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DamageInAnEarlierSegmentIsRefused()
    {
        using (var log = SegmentedLog.Open(_directory, out _, SegmentBytes))
        {
            log.Append(Entries(1, 60));
            log.Sync();
        }
        var segment = SegmentOf(3);
        Damage(segment, OffsetOf(segment, 3));

        Assert.Throws<InvalidDataException>(() => Reopen());
    }

    [Fact]
    public void SegmentWhoseCreationNeverReachedTheDiskIsDiscarded()
    {
        using (var log = SegmentedLog.Open(_directory, out _, SegmentBytes))
        {
            log.Append(Entries(1, 10));
            log.Sync();
        }
        File.WriteAllBytes(Path.Combine(_directory, SegmentFile.NameFor(11)), new byte[SegmentBytes]);

        AssertSame(Entries(1, 10), Reopen());
        Assert.False(File.Exists(Path.Combine(_directory, SegmentFile.NameFor(11))));
    }

    [Fact]
    public void CompactionDeletesOnlyWholeSegmentsBelowTheIndex()
    {
        using (var log = SegmentedLog.Open(_directory, out _, SegmentBytes))
        {
            log.Append(Entries(1, 100));
            log.Sync();
            log.CompactBefore(50);
            log.Sync();
            Assert.InRange(log.FirstIndex, 2UL, 50UL);
        }

        var recovered = Reopen();
        Assert.InRange(recovered[0].Index, 2UL, 50UL);
        Assert.Equal(100UL, recovered[^1].Index);
    }

    [Fact]
    public void ClearedLogStartsAgainAfterTheSnapshot()
    {
        using (var log = SegmentedLog.Open(_directory, out _, SegmentBytes))
        {
            log.Append(Entries(1, 50));
            log.Sync();
            log.Clear();
            Assert.True(log.IsEmpty);
            log.Append(Entries(81, 85, term: 3));
            log.Sync();
        }

        AssertSame(Entries(81, 85, term: 3), Reopen());
    }

    [Fact]
    public void AGapIsRefusedAndAnEntryLargerThanASegmentGetsItsOwn()
    {
        using var log = SegmentedLog.Open(_directory, out _, SegmentBytes);
        log.Append(Entries(1, 3));

        Assert.Throws<InvalidOperationException>(() => log.Append(Entries(5, 6)));

        log.Append([Entry(4, size: 10_000)]);
        log.Sync();
        log.Dispose();
        Assert.Equal(10_000, Reopen()[^1].Data.Length);
    }
}
