namespace Mesh.Server.Tests.Linearizability;

/// <summary>
/// Which operations can be removed from a history so that if the history was linearizable, the rest still is. The
/// search uses this to drop unknown operations (each one it keeps stays "pending forever" and multiplies the
/// configurations a failing search must exhaust; a partition can leave dozens), and the explainer to shrink a
/// violation without inventing one.
/// </summary>
/// <remarks>
/// <para>A read, or a CAS that failed, never changes the register: removing it leaves every other result valid.</para>
/// <para>
/// A write, delete or CAS W that would set value x, where no read returning x and no CAS expecting x may follow it
/// (each returned before W was invoked), can be removed when no failed CAS it could explain may follow it. Proof
/// sketch: take a linearization with W. Until the next state change after W the register holds x, so the only
/// operations there are unknown CASes that failed (none expects x) and known failed CASes. Remove W and move those
/// unknown CASes to the end (they accept any outcome and return at infinity): the known failed CASes now see the value
/// p from before W instead of x, and still fail if p is not their expected e. That holds when e is dead by W's
/// invocation: e has one writer (the initial state for absent when nothing deletes), whose effect is known, and some
/// known write, delete or successful CAS ran entirely after that writer and before W, so the register left e for good.
/// </para>
/// <para>
/// For an unknown W the converse holds too (a linearization without W stays valid with W appended at the end), so
/// dropping it cannot change the verdict. Removing several operations at once is judged on the whole set, which stays
/// sound: taking them out latest invocation first, each one's conditions only rest on earlier operations still present.
/// </para>
/// </remarks>
internal sealed class RemovalRules
{
    private const int NoWriter = -1;
    private const int InitialState = -2;

    private readonly CompiledOp[] _ops;
    private readonly Dictionary<int, long> _lastObserved = [];
    private readonly Dictionary<int, long> _deadAfter = [];
    private readonly CompiledOp[] _failedCases;

    public RemovalRules(CompiledOp[] ops)
    {
        _ops = ops;
        foreach (var op in ops)
        {
            if (op.Kind == OpKind.Read && !op.IsUnknown)
            {
                Observe(op.Observed, op.Return);
            }
            else if (op.Kind == OpKind.Cas)
            {
                Observe(op.Value, op.Return);
            }
        }
        _failedCases = [.. ops.Where(op => op.Kind == OpKind.Cas && op.Observed == 0)];
        FindDeadValues();
    }

    /// <summary>Whether removing operation <paramref name="index"/> keeps a linearizable history linearizable.</summary>
    public bool CanRemove(int index)
    {
        var op = _ops[index];
        if (!RegisterModel.ChangesState(op))
        {
            return true;
        }
        return _lastObserved.GetValueOrDefault(Produces(op), long.MinValue) < op.Invoke
            && !_failedCases.Any(cas => cas.Return >= op.Invoke && DeadAfter(cas.Value) >= op.Invoke);
    }

    private void Observe(int value, long returned) =>
        _lastObserved[value] = Math.Max(returned, _lastObserved.GetValueOrDefault(value, long.MinValue));

    /// <summary>The value an operation sets if it takes effect (and succeeds, for a CAS).</summary>
    private static int Produces(in CompiledOp op) => op.Kind switch
    {
        OpKind.Write => op.Value,
        OpKind.Cas => op.NewValue,
        _ => KeyHistory.Absent,
    };

    /// <summary>
    /// The earliest time after which the register provably never holds the value again. A value nobody writes is never
    /// held; one with several writers, or an unknown one, never provably dies.
    /// </summary>
    private long DeadAfter(int value) => _deadAfter.GetValueOrDefault(value, long.MinValue);

    private void FindDeadValues()
    {
        var writer = new Dictionary<int, int> { [KeyHistory.Absent] = InitialState };
        var changers = new List<CompiledOp>();
        for (var i = 0; i < _ops.Length; i++)
        {
            var op = _ops[i];
            if (!RegisterModel.ChangesState(op))
            {
                continue;
            }
            var value = Produces(op);
            writer[value] = writer.ContainsKey(value) ? NoWriter : i;
            if (!op.IsUnknown)
            {
                changers.Add(op);
            }
        }

        // Known state changes by invocation, with the earliest return among each one and all invoked later.
        changers.Sort((a, b) => a.Invoke.CompareTo(b.Invoke));
        var invocations = changers.Select(op => op.Invoke).ToArray();
        var earliestReturnFrom = new long[changers.Count + 1];
        earliestReturnFrom[changers.Count] = long.MaxValue;
        for (var i = changers.Count - 1; i >= 0; i--)
        {
            earliestReturnFrom[i] = Math.Min(changers[i].Return, earliestReturnFrom[i + 1]);
        }

        foreach (var (value, only) in writer)
        {
            var written = only switch
            {
                InitialState => long.MinValue,
                NoWriter => long.MaxValue,
                _ => _ops[only].Return,
            };
            _deadAfter[value] = written == long.MaxValue ? long.MaxValue : earliestReturnFrom[FirstAfter(invocations, written)];
        }
    }

    /// <summary>Index of the first sorted invocation strictly after <paramref name="time"/>.</summary>
    private static int FirstAfter(long[] sorted, long time)
    {
        var (low, high) = (0, sorted.Length);
        while (low < high)
        {
            var middle = (low + high) / 2;
            (low, high) = sorted[middle] > time ? (low, middle) : (middle + 1, high);
        }
        return low;
    }
}
