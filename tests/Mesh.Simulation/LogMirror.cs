using Mesh.Server.Consensus;

namespace Mesh.Simulation;

/// <summary>
/// Follows one server's in-memory log and keeps a chained hash per index (hash of the whole prefix), so that
/// "same index and term implies same prefix" (log matching) is one comparison per new entry.
/// </summary>
internal sealed class LogMirror
{
    private readonly List<LogEntry?> _entries = [null];
    private readonly List<ulong> _terms = [0];
    private readonly List<ulong> _chains = [0];
    private ulong _highWater;

    /// <summary>Lowest index whose chain is known (the log's base at the last sync).</summary>
    public ulong KnownFrom { get; private set; }

    public ulong LastIndex { get; private set; }

    public ulong ChainAt(ulong index) =>
        index >= KnownFrom && index <= LastIndex
            ? _chains[(int)index]
            : throw new SimulationException($"chain at {index} is outside the mirrored range {KnownFrom}..{LastIndex}");

    public bool Knows(ulong index) => index >= KnownFrom && index <= LastIndex;

    /// <summary>Catches up with <paramref name="log"/>; reports each new (index, term, chain) to <paramref name="checker"/>.</summary>
    public void Sync(RaftLog log, InvariantChecker checker, string node)
    {
        var last = log.LastIndex;
        var baseIndex = log.BaseIndex;
        var unchanged = last;
        while (unchanged > baseIndex && !((int)unchanged < _entries.Count && ReferenceEquals(_entries[(int)unchanged], log.EntryAt(unchanged))))
        {
            unchanged--;
        }
        Grow(last);
        if (unchanged == baseIndex)
        {
            var known = baseIndex >= KnownFrom && baseIndex <= LastIndex && _terms[(int)baseIndex] == log.BaseTerm;
            if (!known)
            {
                _chains[(int)baseIndex] = checker.ChainOf(baseIndex, log.BaseTerm, node);
                _terms[(int)baseIndex] = log.BaseTerm;
                _entries[(int)baseIndex] = null;
            }
        }
        for (var index = unchanged + 1; index <= last; index++)
        {
            var entry = log.EntryAt(index);
            var chain = Chain(_chains[(int)index - 1], entry);
            _entries[(int)index] = entry;
            _terms[(int)index] = entry.Term;
            _chains[(int)index] = chain;
            checker.OnEntry(index, entry.Term, chain, node);
        }
        // Forget what the log no longer holds, so a later log of a different history is not mistaken for it.
        for (var index = last + 1; index <= _highWater; index++)
        {
            _entries[(int)index] = null;
        }
        _highWater = last;
        KnownFrom = baseIndex;
        LastIndex = last;
    }

    private void Grow(ulong last)
    {
        while ((ulong)_entries.Count <= last)
        {
            _entries.Add(null);
            _terms.Add(0);
            _chains.Add(0);
        }
    }

    public static ulong Chain(ulong previous, LogEntry entry)
    {
        var hash = Mix(previous ^ Mix(entry.Term * 0x9E3779B97F4A7C15UL + entry.Index) ^ ((ulong)entry.Kind << 56));
        // FNV-1a over the data: deterministic across processes, unlike string/HashCode hashing.
        var data = 0xCBF29CE484222325UL;
        foreach (var b in entry.Data)
        {
            data = (data ^ b) * 0x100000001B3UL;
        }
        return Mix(hash ^ data);
    }

    private static ulong Mix(ulong x)
    {
        x ^= x >> 30;
        x *= 0xBF58476D1CE4E5B9UL;
        x ^= x >> 27;
        x *= 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
