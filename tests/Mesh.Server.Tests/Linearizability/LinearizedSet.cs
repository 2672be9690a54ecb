namespace Mesh.Server.Tests.Linearizability;

/// <summary>
/// The operations linearized so far, as a bitset: known operations' bits first, then unknown operations' bits in words
/// of their own, so the cache can compare the two parts differently. The hash covers the known part only.
/// </summary>
internal sealed class LinearizedSet
{
    private readonly int[] _bitOf;

    public LinearizedSet(CompiledOp[] ops)
    {
        var known = ops.Count(op => !op.IsUnknown);
        KnownWords = (known + 63) / 64;
        Words = new ulong[KnownWords + (ops.Length - known + 63) / 64];
        _bitOf = new int[ops.Length];
        var (nextKnown, nextUnknown) = (0, KnownWords * 64);
        for (var i = 0; i < ops.Length; i++)
        {
            _bitOf[i] = ops[i].IsUnknown ? nextUnknown++ : nextKnown++;
        }
    }

    public ulong[] Words { get; }
    public int KnownWords { get; }
    public ulong KnownHash { get; private set; }

    /// <summary>Adds the operation if absent, removes it if present.</summary>
    public void Toggle(int op)
    {
        var bit = _bitOf[op];
        Words[bit >> 6] ^= 1UL << bit;
        if (bit < KnownWords * 64)
        {
            KnownHash ^= Zobrist(bit);
        }
    }

    /// <summary>A fixed random 64-bit code per bit; XOR of the codes hashes a set incrementally.</summary>
    private static ulong Zobrist(int bit)
    {
        var z = ((ulong)bit + 1) * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
