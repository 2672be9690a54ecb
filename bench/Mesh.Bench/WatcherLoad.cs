using System.Globalization;

namespace Mesh.Bench;

/// <summary>
/// Parks N watchers on one key, then, round after round, writes the key and times how long the server takes to
/// answer all of them, and measures what the parked watchers cost it in memory and threads. A first warm-up
/// round (the server's first fan-out of that size) is run for both servers and not counted.
/// </summary>
internal static class WatcherLoad
{
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(20);

    public static async Task<WatchResult> RunAsync(IWatchFleet fleet, string name, int watchers, int rounds, TimeProvider time, CancellationToken cancellationToken)
    {
        await fleet.PrepareAsync(cancellationToken).ConfigureAwait(false);
        await ProcStats.AwaitIdleAsync(fleet.ServerPid, SettleTimeout, time, cancellationToken).ConfigureAwait(false);
        var before = ProcStats.Read(fleet.ServerPid);

        var overflows = TcpTable.ListenOverflows();
        var started = time.GetTimestamp();
        await fleet.ConnectAsync(watchers, cancellationToken).ConfigureAwait(false);
        var connectTime = time.GetElapsedTime(started);
        overflows = TcpTable.ListenOverflows() - overflows;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name}: {watchers:N0} connections opened in {connectTime.TotalSeconds:0.0} s ({overflows} SYNs dropped by a full accept queue and retried)"));

        var parkTime = TimeSpan.Zero;
        var parked = new List<ProcStats>(rounds);
        var lastAfterSent = new List<double>(rounds);
        var lastAfterAnswered = new List<double>(rounds);
        var writeLatency = new List<double>(rounds);
        var all = new List<double>(watchers * rounds);
        for (var round = 0; round <= rounds; round++)
        {
            started = time.GetTimestamp();
            await fleet.ArmAsync(cancellationToken).ConfigureAwait(false);
            if (round == 0)
            {
                parkTime = time.GetElapsedTime(started);
            }
            var stats = ProcStats.Read(fleet.ServerPid);

            var write = await fleet.WriteAsync(round, cancellationToken).ConfigureAwait(false);
            var answers = await fleet.AnswersAsync(cancellationToken).ConfigureAwait(false);
            var last = answers.Max();
            var fromSent = time.GetElapsedTime(write.Sent, last).TotalMilliseconds;
            var fromAnswered = time.GetElapsedTime(write.Answered, last).TotalMilliseconds;
            var ownLatency = time.GetElapsedTime(write.Sent, write.Answered).TotalMilliseconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name} round {(round == 0 ? "0 (warm-up, not counted)" : $"{round}/{rounds}")}: last watcher {fromSent:0.0} ms after the write was sent, {fromAnswered:0.0} ms after its answer (write {ownLatency:0.0} ms); server RSS {stats.RssBytes / 1048576.0:0} MiB, {stats.Threads} threads"));
            if (round == 0)
            {
                continue;
            }
            parked.Add(stats);
            lastAfterSent.Add(fromSent);
            lastAfterAnswered.Add(fromAnswered);
            writeLatency.Add(ownLatency);
            all.AddRange(answers.Select(at => time.GetElapsedTime(write.Sent, at).TotalMilliseconds));
        }
        return new WatchResult(
            watchers,
            connectTime,
            overflows,
            parkTime,
            before,
            parked,
            Percentiles.Of(lastAfterSent),
            Percentiles.Of(lastAfterAnswered),
            Percentiles.Of(all),
            Percentiles.Of(writeLatency));
    }
}
