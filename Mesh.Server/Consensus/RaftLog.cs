namespace Mesh.Server.Consensus;

/// <summary>
/// The in-memory log of one server: entries after <see cref="BaseIndex"/>, whose term is remembered so that
/// the consistency check works at the boundary. Everything below the base is covered by a snapshot.
/// </summary>
public sealed class RaftLog
{
    private readonly List<LogEntry> _entries = [];

    public ulong BaseIndex { get; private set; }

    public ulong BaseTerm { get; private set; }

    public ulong LastIndex => BaseIndex + (ulong)_entries.Count;

    public ulong LastTerm => _entries.Count == 0 ? BaseTerm : _entries[^1].Term;

    /// <summary>The term at <paramref name="index"/>, or null when it is below the base or past the end.</summary>
    public ulong? TermAt(ulong index)
    {
        if (index == BaseIndex)
        {
            return BaseTerm;
        }
        return index > BaseIndex && index <= LastIndex ? _entries[(int)(index - BaseIndex - 1)].Term : null;
    }

    public LogEntry EntryAt(ulong index)
    {
        if (index <= BaseIndex || index > LastIndex)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The log holds entries {BaseIndex + 1}..{LastIndex}.");
        }
        return _entries[(int)(index - BaseIndex - 1)];
    }

    /// <summary>Entries from..to (inclusive) within the count and byte limits, always at least one.</summary>
    public IReadOnlyList<LogEntry> Slice(ulong from, ulong to, int maxCount, long maxBytes)
    {
        if (from <= BaseIndex || to > LastIndex)
        {
            throw new ArgumentOutOfRangeException(nameof(from), from, $"The log holds entries {BaseIndex + 1}..{LastIndex}.");
        }
        if (from > to)
        {
            return [];
        }
        var start = (int)(from - BaseIndex - 1);
        var count = (int)Math.Min((ulong)maxCount, to - from + 1);
        long bytes = 0;
        for (var i = 0; i < count; i++)
        {
            bytes += _entries[start + i].Data.Length;
            if (bytes > maxBytes && i > 0)
            {
                count = i;
                break;
            }
        }
        return _entries.GetRange(start, count);
    }

    internal void Append(LogEntry entry)
    {
        if (entry.Index != LastIndex + 1)
        {
            throw new InvalidOperationException($"Entry {entry.Index} does not follow the last index {LastIndex}.");
        }
        _entries.Add(entry);
    }

    /// <summary>Drops entries at and after <paramref name="index"/>.</summary>
    internal void TruncateFrom(ulong index)
    {
        if (index <= BaseIndex)
        {
            throw new InvalidOperationException($"Cannot truncate at {index}: it is covered by the snapshot at {BaseIndex}.");
        }
        if (index <= LastIndex)
        {
            _entries.RemoveRange((int)(index - BaseIndex - 1), (int)(LastIndex - index + 1));
        }
    }

    /// <summary>Drops entries through <paramref name="index"/>, which becomes the base.</summary>
    internal void CompactThrough(ulong index)
    {
        if (index <= BaseIndex)
        {
            return;
        }
        var term = TermAt(index) ?? throw new InvalidOperationException($"Cannot compact through {index}: past the last index {LastIndex}.");
        _entries.RemoveRange(0, (int)(index - BaseIndex));
        BaseIndex = index;
        BaseTerm = term;
    }

    /// <summary>Empties the log so that it continues after (<paramref name="index"/>, <paramref name="term"/>).</summary>
    internal void Reset(ulong index, ulong term)
    {
        _entries.Clear();
        BaseIndex = index;
        BaseTerm = term;
    }
}
