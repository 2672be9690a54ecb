namespace Mesh.Server.Tests.Linearizability;

/// <summary>A wall-clock deadline for a search, read from the checker's <see cref="TimeProvider"/>.</summary>
internal readonly struct SearchBudget
{
    private readonly TimeProvider _time;
    private readonly long _deadline;

    private SearchBudget(TimeProvider time, long deadline)
    {
        _time = time;
        _deadline = deadline;
    }

    public bool Expired => _time.GetTimestamp() >= _deadline;

    /// <summary>This deadline or <paramref name="span"/> from now, whichever comes first.</summary>
    public SearchBudget Within(TimeSpan span) => new(_time, Math.Min(_deadline, Start(_time, span)._deadline));

    public static SearchBudget Start(TimeProvider time, TimeSpan budget)
    {
        var now = time.GetTimestamp();
        var ticks = budget.TotalSeconds * time.TimestampFrequency;
        // Saturate so TimeSpan.MaxValue means "no limit" instead of overflowing into the past.
        return new SearchBudget(time, ticks >= long.MaxValue - now ? long.MaxValue : now + (long)Math.Max(0, ticks));
    }
}
