namespace Mesh.Bench;

/// <summary>
/// The watch benchmark on one server, over its counted rounds. Times are milliseconds; "last" is the last of all
/// watchers to receive a round's write, one sample per round.
/// </summary>
internal sealed record WatchResult(
    int Watchers,
    TimeSpan ConnectTime,
    long ListenOverflows,
    TimeSpan ParkTime,
    ProcStats Before,
    IReadOnlyList<ProcStats> Parked,
    Percentiles LastAfterWriteSent,
    Percentiles LastAfterWriteAnswered,
    Percentiles AllAfterWriteSent,
    Percentiles WriteLatency)
{
    /// <summary>The median over the rounds of the server's RSS with every watcher parked.</summary>
    public double ParkedRss => Percentiles.Of(Parked.Select(p => (double)p.RssBytes)).P50;

    /// <summary>Server RSS growth per parked watcher.</summary>
    public double BytesPerWatcher => (ParkedRss - Before.RssBytes) / Watchers;

    public int MaxThreadsParked => Parked.Max(p => p.Threads);
}
