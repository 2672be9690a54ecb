using System.Runtime.InteropServices;

namespace Mesh.Server.Tests.Linearizability;

/// <summary>
/// Lowe's memoization for the Wing &amp; Gong search: the configurations (linearized operations, register state) already
/// explored. A configuration is covered by an explored one with the same known operations and state whose unknown
/// operations are a subset of its own: whatever completes the larger one completes the smaller one too, with the extra
/// unknown operations appended at the end. Bitsets are compared exactly, so a hash collision can only cost time.
/// </summary>
/// <remarks>
/// Operations are numbered by invocation, so the known part of a linearized set is a run of full words, a short
/// window, then zeros. Only the window and the unknown part are stored, which keeps millions of configurations of a
/// long history in memory.
/// </remarks>
internal sealed class LinearizationCache
{
    private readonly Dictionary<ulong, int> _firstByKey = [];
    private ulong[] _arena = new ulong[4096];
    private int _arenaUsed;
    private Slot[] _slots = new Slot[1024];

    public int Count { get; private set; }

    /// <summary>
    /// Adds the configuration; false when an explored one already covers it. A configuration reached by linearizing an
    /// unknown operation restricts the next step (see <see cref="WingGongSearch"/>), so <paramref name="restriction"/>
    /// (0 for none) is part of its identity.
    /// </summary>
    public bool Add(LinearizedSet set, int state, int restriction)
    {
        var words = set.Words;
        var full = 0;
        while (full < set.KnownWords && words[full] == ulong.MaxValue)
        {
            full++;
        }
        var end = set.KnownWords;
        while (end > full && words[end - 1] == 0)
        {
            end--;
        }
        var window = words.AsSpan(full, end - full);
        var unknown = words.AsSpan(set.KnownWords);

        var key = (set.KnownHash ^ ((ulong)state * 0x9E3779B97F4A7C15UL) ^ ((ulong)restriction * 0xC2B2AE3D27D4EB4FUL)) * 0xBF58476D1CE4E5B9UL;
        ref var first = ref CollectionsMarshal.GetValueRefOrAddDefault(_firstByKey, key, out var exists);
        for (var index = exists ? first : -1; index >= 0; index = _slots[index].Next)
        {
            ref readonly var slot = ref _slots[index];
            if (slot.State == state && slot.Restriction == restriction && slot.FullWords == full && slot.WindowWords == window.Length
                && _arena.AsSpan(slot.Offset, window.Length).SequenceEqual(window)
                && IsSubset(_arena.AsSpan(slot.Offset + window.Length, unknown.Length), unknown))
            {
                return false;
            }
        }

        if (_arenaUsed + window.Length + unknown.Length > _arena.Length)
        {
            Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _arenaUsed + window.Length + unknown.Length));
        }
        window.CopyTo(_arena.AsSpan(_arenaUsed));
        unknown.CopyTo(_arena.AsSpan(_arenaUsed + window.Length));
        if (Count == _slots.Length)
        {
            Array.Resize(ref _slots, _slots.Length * 2);
        }
        _slots[Count] = new Slot(state, restriction, full, window.Length, _arenaUsed, exists ? first : -1);
        _arenaUsed += window.Length + unknown.Length;
        first = Count++;
        return true;
    }

    private static bool IsSubset(ReadOnlySpan<ulong> explored, ReadOnlySpan<ulong> current)
    {
        for (var i = 0; i < explored.Length; i++)
        {
            if ((explored[i] & ~current[i]) != 0)
            {
                return false;
            }
        }
        return true;
    }

    private readonly record struct Slot(int State, int Restriction, int FullWords, int WindowWords, int Offset, int Next);
}
