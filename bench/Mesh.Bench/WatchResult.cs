namespace Mesh.Bench;

/// <summary>
/// The watch benchmark on one server. Times are milliseconds; "last" is the last of all watchers to receive a write,
/// one sample per round.
/// </summary>
internal sealed record WatchResult(
    int Watchers,
    TimeSpan ConnectTime,
    TimeSpan FirstArmTime,
    ProcStats Before,
    IReadOnlyList<ProcStats> Parked,
    Percentiles LastAfterWriteAnswered,
    Percentiles LastAfterWriteSent,
    Percentiles AllAfterWriteAnswered,
    Percentiles WriteLatency)
{
    /// <summary>Server RSS growth per parked watcher, from the median of the rounds' parked RSS.</summary>
    public double BytesPerWatcher => (Median(Parked.Select(p => (double)p.RssBytes)) - Before.RssBytes) / Watchers;

    public int MaxThreadsParked => Parked.Max(p => p.Threads);

    private static double Median(IEnumerable<double> values) => Percentiles.Of(values).P50;
}
