namespace Mesh.Server.Tests.Linearizability;

/// <summary>
/// Checks a recorded history against a register per key. Keys are independent (linearizability is compositional), so
/// each key is searched on its own, in parallel, with the Wing &amp; Gong / Lowe algorithm (<see cref="WingGongSearch"/>).
/// Every key starts absent.
/// </summary>
public sealed class LinearizabilityChecker(TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>
    /// Checks <paramref name="history"/>; the search for a verdict stops after <paramref name="budget"/> (Undetermined),
    /// and explaining a violation may take up to the same budget again.
    /// </summary>
    public LinearizabilityResult Check(RecordedHistory history, TimeSpan budget)
    {
        ArgumentNullException.ThrowIfNull(history);
        foreach (var record in history.Operations)
        {
            record.Validate();
        }
        var started = _time.GetTimestamp();
        var keys = history.Operations.GroupBy(record => record.Key, StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => (group.Key, Records: group.ToArray()))
            .ToArray();
        var deadline = SearchBudget.Start(_time, budget);
        var compiled = new KeyHistory[keys.Length];
        var outcomes = new SearchOutcome[keys.Length];
        Parallel.For(0, keys.Length, i => outcomes[i] = WingGongSearch.Run(compiled[i] = KeyHistory.Compile(keys[i].Records), deadline));

        var origin = history.Operations.Count == 0 ? 0 : history.Operations.Min(record => record.InvokeTimestamp);
        var elapsed = _time.GetElapsedTime(started);
        var violating = Array.FindIndex(outcomes, outcome => outcome.Verdict == Verdict.Violation);
        if (violating >= 0)
        {
            var (key, records) = keys[violating];
            var stuckAt = compiled[violating].Records[outcomes[violating].Blocker].ReturnTimestamp!.Value;
            // Shrinking runs many searches on parts of the history; each may take about as long as the whole did.
            var perTry = TimeSpan.FromTicks(Math.Max(budget.Ticks / 20, elapsed.Ticks * 2));
            var explanation = ViolationExplainer.Explain(
                key, records, stuckAt, origin, history.TimestampFrequency, _time, budget, perTry);
            return new LinearizabilityResult(Verdict.Violation, key, explanation);
        }
        var undecided = Array.FindIndex(outcomes, outcome => outcome.Verdict == Verdict.Undetermined);
        if (undecided >= 0)
        {
            var (key, records) = keys[undecided];
            return new LinearizabilityResult(Verdict.Undetermined, key,
                $"Undetermined: key \"{key}\" ({OperationFormat.Count(records.Length, "operation")}) was still being searched " +
                $"when the {budget} budget ran out after {OperationFormat.Count(outcomes[undecided].States, "configuration")}; " +
                "no violation was found so far.");
        }
        return new LinearizabilityResult(Verdict.Linearizable, null,
            $"Linearizable: {OperationFormat.Count(history.Operations.Count, "operation")} on {OperationFormat.Count(keys.Length, "key")} " +
            $"({OperationFormat.Count(outcomes.Sum(outcome => (long)outcome.States), "configuration")} explored in " +
            $"{elapsed.TotalMilliseconds:F0} ms).");
    }
}
