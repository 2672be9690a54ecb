namespace Mesh.Server.Tests.Linearizability;

/// <summary>
/// The time-ordered list of invocation and return entries, as arrays. Operation i's invocation is entry 2i and its
/// return 2i+1. Lifting an operation unlinks both entries but keeps their own links, so unlifting (in reverse order)
/// puts them back in place ("dancing links").
/// </summary>
internal sealed class EntryList
{
    private const int End = -1;
    private readonly int[] _next;
    private readonly int[] _prev;
    private readonly int _head;

    public EntryList(CompiledOp[] ops)
    {
        var entries = new int[ops.Length * 2];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = i;
        }
        // By time; at equal times invocations first (entry parity), then by operation for determinism.
        Array.Sort(entries, (a, b) =>
        {
            var byTime = Time(ops, a).CompareTo(Time(ops, b));
            if (byTime != 0)
            {
                return byTime;
            }
            var byKind = (a & 1) - (b & 1);
            return byKind != 0 ? byKind : a - b;
        });

        _head = entries.Length;
        _next = new int[entries.Length + 1];
        _prev = new int[entries.Length + 1];
        var previous = _head;
        foreach (var entry in entries)
        {
            _next[previous] = entry;
            _prev[entry] = previous;
            previous = entry;
        }
        _next[previous] = End;
    }

    public bool IsEmpty => _next[_head] == End;
    public int First => _next[_head];

    public static bool IsInvocation(int entry) => (entry & 1) == 0;
    public static int Operation(int entry) => entry >> 1;
    public static int InvocationOf(int op) => op * 2;

    public int Next(int entry) => _next[entry];

    public void Lift(int op)
    {
        var invocation = op * 2;
        var response = invocation + 1;
        // An invocation always has its own return after it, so its next is never End.
        _next[_prev[invocation]] = _next[invocation];
        _prev[_next[invocation]] = _prev[invocation];
        _next[_prev[response]] = _next[response];
        if (_next[response] != End)
        {
            _prev[_next[response]] = _prev[response];
        }
    }

    public void Unlift(int op)
    {
        var invocation = op * 2;
        var response = invocation + 1;
        _next[_prev[response]] = response;
        if (_next[response] != End)
        {
            _prev[_next[response]] = response;
        }
        _next[_prev[invocation]] = invocation;
        _prev[_next[invocation]] = invocation;
    }

    private static long Time(CompiledOp[] ops, int entry) =>
        IsInvocation(entry) ? ops[Operation(entry)].Invoke : ops[Operation(entry)].Return;
}
