using System.Text;

namespace Mesh.Server.Tests.Linearizability;

/// <summary>
/// Turns a violating key's history into a short explanation: the earliest moment the violation is certain, a small set
/// of operations that alone cannot be linearized, and how far a valid order gets among them.
/// </summary>
internal static class ViolationExplainer
{
    private const int MaxListed = 30;

    /// <summary>
    /// Explains within <paramref name="budget"/>: shrinking gets three quarters, each search in it up to
    /// <paramref name="perTry"/>; finding the longest valid order gets the rest.
    /// </summary>
    public static string Explain(string key, OperationRecord[] records, long likelyMoment, long origin, long frequency,
        TimeProvider time, TimeSpan budget, TimeSpan perTry)
    {
        var overall = SearchBudget.Start(time, budget);
        var (moment, culprits, minimal) = Isolate(records, likelyMoment, SearchBudget.Start(time, budget * 0.75), perTry);
        var history = KeyHistory.Compile(culprits);
        var outcome = WingGongSearch.Run(history, overall);

        var text = new StringBuilder();
        text.AppendLine($"Key \"{key}\" is not linearizable ({OperationFormat.Count(records.Length, "operation")} on it).");
        var returned = string.Join(", ", records.Where(record => !record.IsUnknown && record.ReturnTimestamp == moment).Select(record => $"#{record.Id}"));
        text.AppendLine(
            $"By {OperationFormat.Time(moment, origin, frequency)}, when {returned} returned, no valid order exists. " +
            (culprits.Count == 1 ? "This operation alone cannot" : $"These {culprits.Count} operations alone cannot") +
            " be linearized (times since the first invocation; \"no reply\" also marks replies that came later)" +
            (minimal ? ":" : "; shrinking them stopped at the budget, so not all may matter:"));
        var listed = culprits.OrderBy(record => record.InvokeTimestamp).ThenBy(record => record.Id).ToArray();
        if (listed.Length > MaxListed)
        {
            text.AppendLine($"  ... {listed.Length - MaxListed} earlier ones not shown");
        }
        foreach (var record in listed.TakeLast(MaxListed))
        {
            text.AppendLine($"  {OperationFormat.Operation(record, origin, frequency)}");
        }
        text.Append(LongestOrder(history, outcome));
        return text.ToString();
    }

    /// <summary>
    /// The moment the violation became certain and a small set of operations, as they stood then, that alone cannot be
    /// linearized; <c>Minimal</c> is false when the budget, or a try's <paramref name="perTry"/> slice of it, ran out.
    /// <paramref name="likelyMoment"/> (say, the return the verdict's search could not get past) only speeds this up.
    /// </summary>
    internal static (long Moment, List<OperationRecord> Culprits, bool Minimal) Isolate(
        OperationRecord[] records, long likelyMoment, SearchBudget budget, TimeSpan perTry)
    {
        var (moment, prefix) = EarliestViolatingPrefix(records, likelyMoment, budget, perTry);
        var (culprits, minimal) = Minimize(prefix, budget, perTry);
        return (moment, culprits, minimal);
    }

    /// <summary>
    /// The shortest prefix of the history, cut at a return, that already cannot be linearized. Cutting at T keeps the
    /// operations invoked by T, and those still running at T become unknown. If the history is linearizable then so is
    /// every cut (known results returned by T and take effect before anything invoked later), so violations are
    /// monotone in T and a binary search finds the first one (or an early one, if a try runs out of time).
    /// </summary>
    private static (long Moment, List<OperationRecord> Prefix) EarliestViolatingPrefix(
        OperationRecord[] records, long likelyMoment, SearchBudget budget, TimeSpan perTry)
    {
        var returns = records.Where(record => !record.IsUnknown).Select(record => record.ReturnTimestamp!.Value).Distinct().Order().ToArray();
        Verdict At(int index) => WingGongSearch.Run(KeyHistory.Compile(CutAt(records, returns[index])), budget.Within(perTry)).Verdict;

        // The cut at the last return differs from the whole history only by unknown operations invoked later, which can
        // always go last, so it violates too. The likely moment usually is the first violating cut or close after it,
        // so gallop down from there before bisecting.
        var (low, high) = (0, returns.Length - 1);
        var likely = Array.BinarySearch(returns, likelyMoment);
        if (likely >= 0 && likely < high && At(likely) == Verdict.Violation)
        {
            high = likely;
        }
        for (var step = 1; high - step >= low; step *= 2)
        {
            var verdict = At(high - step);
            if (verdict != Verdict.Violation)
            {
                low = verdict == Verdict.Linearizable ? high - step + 1 : high;
                break;
            }
            high -= step;
        }
        while (low < high)
        {
            var middle = (low + high) / 2;
            var verdict = At(middle);
            if (verdict == Verdict.Undetermined)
            {
                break;
            }
            (low, high) = verdict == Verdict.Violation ? (low, middle) : (middle + 1, high);
        }
        return (returns[high], CutAt(records, returns[high]));
    }

    private static List<OperationRecord> CutAt(OperationRecord[] records, long moment) =>
    [
        .. records.Where(record => record.InvokeTimestamp <= moment)
            .Select(record => record.ReturnTimestamp > moment && !record.IsUnknown ? record with { ReturnTimestamp = null, Result = null } : record),
    ];

    /// <summary>
    /// Delta debugging: drop chunks of operations (in time order, halving the chunk size) while the rest still violates,
    /// down to single operations. Only removals <see cref="RemovalRules"/> allows are made, so each smaller violating
    /// set proves the larger one violates: dropping a write whose value someone read would "find" a read of a value
    /// nobody wrote. Each try gets a slice of the budget; a try that runs out counts as "still needed".
    /// </summary>
    private static (List<OperationRecord> Kept, bool Minimal) Minimize(List<OperationRecord> records, SearchBudget budget, TimeSpan perTry)
    {
        var kept = records.OrderBy(record => record.InvokeTimestamp).ToList();
        var chunk = Math.Max(1, kept.Count / 2);
        var minimal = true;
        while (true)
        {
            var removedAny = false;
            for (var start = 0; start < kept.Count && !budget.Expired;)
            {
                var count = Math.Min(chunk, kept.Count - start);
                var removable = Removable(kept, start, count);
                List<OperationRecord> candidate = [.. kept.Where((_, i) => !removable.Contains(i))];
                var verdict = removable.Count > 0 && candidate.Count > 0
                    ? WingGongSearch.Run(KeyHistory.Compile(candidate), budget.Within(perTry)).Verdict
                    : Verdict.Linearizable;
                minimal &= verdict != Verdict.Undetermined;
                if (verdict == Verdict.Violation)
                {
                    kept = candidate;
                    removedAny = true;
                    start += count - removable.Count;
                }
                else
                {
                    start += count;
                }
            }
            if (budget.Expired)
            {
                return (kept, false);
            }
            if (chunk == 1 && !removedAny)
            {
                return (kept, minimal);
            }
            chunk = Math.Max(1, chunk / 2);
        }
    }

    /// <summary>
    /// Which of <c>records[start..start+count]</c> can go together: its reads and failed CASes, and those of its writers
    /// that can go from what remains without them.
    /// </summary>
    private static HashSet<int> Removable(List<OperationRecord> records, int start, int count)
    {
        var ops = KeyHistory.CompileAll(records).Ops;
        var removable = Enumerable.Range(start, count).Where(i => !RegisterModel.ChangesState(ops[i])).ToHashSet();
        var remaining = Enumerable.Range(0, records.Count).Where(i => !removable.Contains(i)).ToArray();
        var rules = new RemovalRules(KeyHistory.CompileAll(remaining.Select(i => records[i])).Ops);
        removable.UnionWith(Enumerable.Range(0, remaining.Length)
            .Where(j => remaining[j] >= start && remaining[j] < start + count && rules.CanRemove(j))
            .Select(j => remaining[j]));
        return removable;
    }

    private static string LongestOrder(KeyHistory history, SearchOutcome outcome)
    {
        if (outcome.Verdict != Verdict.Violation || outcome.Blocker < 0)
        {
            return "(The search budget ran out before the longest valid order among them was found.)";
        }
        var order = outcome.Deepest.Length == 0
            ? "none"
            : (outcome.Deepest.Length > MaxListed ? $"({outcome.Deepest.Length - MaxListed} earlier), " : "") +
                string.Join(", ", outcome.Deepest.TakeLast(MaxListed).Select(op => $"#{history.Records[op].Id} {history.Records[op].Operation}"));
        var blocker = history.Records[outcome.Blocker];
        var op = history.Ops[outcome.Blocker];
        var why = RegisterModel.Step(op, outcome.DeepestState) == RegisterModel.Illegal
            ? RegisterModel.WhyIllegal(op, outcome.DeepestState, history.Values)
            : "every order that puts it there contradicts a later operation";
        return $"Longest valid order: {order} (the register is then {OperationFormat.Value(history.Values[outcome.DeepestState])}); " +
            $"#{blocker.Id} {blocker.Operation} -> {blocker.Result} must take effect next but cannot: {why}.";
    }
}
