namespace Mesh.Server.Tests.Linearizability;

/// <summary>
/// The outcome of searching one key's history. On a violation (or an exhausted budget) <see cref="Deepest"/> is the
/// longest linearizable order of operations the search found, <see cref="DeepestState"/> the register after it, and
/// <see cref="Blocker"/> the operation whose return forced the search back from there (-1 if none).
/// </summary>
internal sealed record SearchOutcome(Verdict Verdict, int States, int[] Deepest, int DeepestState, int Blocker);

/// <summary>
/// Wing &amp; Gong's linearizability search with Lowe's memoization, in the form Porcupine uses. Invocations and returns
/// form one doubly linked list in time order. The search walks it: at an invocation it tries to linearize that
/// operation now (the model must accept its result and the configuration must be new), removing the operation from
/// the list and restarting at the head; at a return whose operation is not yet linearized no order of the remaining
/// operations can respect real time, so it undoes the last choice and tries the next candidate. The history is
/// linearizable once every known operation is linearized; it is not when it must undo with nothing left to undo.
/// </summary>
/// <remarks>
/// <para>
/// An unknown operation returns at +infinity, so it may take effect at any point after its invocation, and because it
/// accepts any outcome it can always take effect last of all, after every observed operation, where it changes
/// nothing anyone saw. That is exactly "it never took effect", so both possibilities are covered, and the search can
/// stop once the known operations are done.
/// </para>
/// <para>
/// Candidates are tried in three passes over the operations that may go next: observers (reads and failed CASes),
/// then known state changes, then unknown operations. Observers never branch: one that is legal now can be linearized right
/// here, because any valid continuation without it stays valid with it moved to the front (it changes no state, and
/// every operation that must precede it in real time is already linearized, or the walk would have met that return
/// first). So when the subtree below an observer fails, the search backs up past it. Unknown operations go last so
/// smaller sets of them are explored first, which lets the cache's subset rule cut the larger ones.
/// </para>
/// <para>
/// An unknown operation U is only linearized where it enables the very next step. Any linearization can be rewritten
/// into that form: while the operation N after U does not need U's effect, either N is legal without U and changes
/// nothing U changed (an observer: swap them), or N overwrites U's value (a write or delete: drop U, it never took
/// effect), or N is an unknown no-op there (drop N). What remains is N known and illegal without U but legal after it,
/// or N an unknown CAS expecting U's value. An unknown operation that changes nothing is never needed. So U is only
/// tried when some operation that may go next needs it, and right after U only such an operation may follow.
/// </para>
/// <para>
/// At equal timestamps invocations sort before returns: the operations count as concurrent, which never turns a
/// linearizable history into a violation when the clock cannot tell which came first.
/// </para>
/// </remarks>
internal static class WingGongSearch
{
    private const int Observers = 0;
    private const int KnownChanges = 1;
    private const int UnknownChanges = 2;

    public static SearchOutcome Run(KeyHistory history, SearchBudget budget)
    {
        var ops = history.Ops;
        var list = new EntryList(ops);
        var set = new LinearizedSet(ops);
        var cache = new LinearizationCache();
        var knownLeft = ops.Count(op => !op.IsUnknown);
        var chosen = new int[ops.Length];
        var stateBefore = new int[ops.Length];
        var depth = 0;
        var state = KeyHistory.Absent;
        int[] deepest = [];
        var deepestState = state;
        var blocker = -1;

        var entry = list.First;
        var pass = Observers;
        for (long steps = 0; knownLeft > 0; steps++)
        {
            if ((steps & 1023) == 0 && budget.Expired)
            {
                return new SearchOutcome(Verdict.Undetermined, cache.Count, deepest, deepestState, blocker);
            }
            var op = EntryList.Operation(entry);
            if (EntryList.IsInvocation(entry))
            {
                var next = PassOf(ops[op]) == pass ? RegisterModel.Step(ops[op], state) : RegisterModel.Illegal;
                if (next == RegisterModel.Illegal
                    || (pass == UnknownChanges && !Enables(list, ops, op, state, next))
                    || (pass != Observers && depth > 0 && ops[chosen[depth - 1]].IsUnknown && !Needs(ops[op], stateBefore[depth - 1], state)))
                {
                    entry = list.Next(entry);
                    continue;
                }
                set.Toggle(op);
                if (cache.Add(set, next, ops[op].IsUnknown ? state + 1 : 0))
                {
                    chosen[depth] = op;
                    stateBefore[depth++] = state;
                    state = next;
                    knownLeft -= ops[op].IsUnknown ? 0 : 1;
                    list.Lift(op);
                    entry = list.First;
                    pass = Observers;
                    continue;
                }
                set.Toggle(op);
                if (pass != Observers)
                {
                    entry = list.Next(entry);
                    continue;
                }
                // An observer that is legal here but whose configuration already failed: so does this one.
            }
            else if (pass != UnknownChanges)
            {
                pass++;
                entry = list.First;
                continue;
            }
            else if (blocker < 0 || depth > deepest.Length)
            {
                deepest = chosen[..depth];
                deepestState = state;
                blocker = op;
            }

            int undone;
            do
            {
                if (depth == 0)
                {
                    return new SearchOutcome(Verdict.Violation, cache.Count, deepest, deepestState, blocker);
                }
                undone = chosen[--depth];
                state = stateBefore[depth];
                knownLeft += ops[undone].IsUnknown ? 0 : 1;
                set.Toggle(undone);
                list.Unlift(undone);
            }
            while (PassOf(ops[undone]) == Observers);
            entry = list.Next(EntryList.InvocationOf(undone));
            pass = PassOf(ops[undone]);
        }
        return new SearchOutcome(Verdict.Linearizable, cache.Count, [], state, -1);
    }

    /// <summary>
    /// Whether unknown operation <paramref name="op"/>, turning <paramref name="before"/> into <paramref name="after"/>,
    /// lets some operation that may go next take effect: a known one illegal before and legal after, or an unknown CAS
    /// expecting <paramref name="after"/>. Only then is it worth linearizing now (see remarks).
    /// </summary>
    private static bool Enables(EntryList list, CompiledOp[] ops, int op, int before, int after)
    {
        if (after == before)
        {
            return false;
        }
        var self = EntryList.InvocationOf(op);
        for (var entry = list.First; entry != self; entry = list.Next(entry))
        {
            if (ops[EntryList.Operation(entry)] is { IsUnknown: true } twin
                && (twin.Kind, twin.Value, twin.NewValue) == (ops[op].Kind, ops[op].Value, ops[op].NewValue))
            {
                // An earlier twin (say, another unknown delete) can stand in for this one here, and this one for the
                // twin wherever that goes later, so only the first twin is tried.
                return false;
            }
        }
        for (var entry = list.First; EntryList.IsInvocation(entry); entry = list.Next(entry))
        {
            var other = ops[EntryList.Operation(entry)];
            var enabled = other.IsUnknown
                ? other.Kind == OpKind.Cas && other.Value == after && EntryList.Operation(entry) != op
                : RegisterModel.Step(other, before) == RegisterModel.Illegal && RegisterModel.Step(other, after) != RegisterModel.Illegal;
            if (enabled)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Whether <paramref name="op"/> needs the unknown operation just linearized, which turned <paramref name="before"/>
    /// into <paramref name="now"/>.
    /// </summary>
    private static bool Needs(in CompiledOp op, int before, int now) => op.IsUnknown
        ? op.Kind == OpKind.Cas && op.Value == now
        : RegisterModel.Step(op, before) == RegisterModel.Illegal;

    private static int PassOf(in CompiledOp op) =>
        op.IsUnknown ? UnknownChanges : RegisterModel.ChangesState(op) ? KnownChanges : Observers;
}
