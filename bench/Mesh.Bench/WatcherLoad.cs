using System.Globalization;

namespace Mesh.Bench;

/// <summary>
/// Parks N watchers on one key, then, round after round, writes the key and times how long the server takes to
/// answer all of them, and measures what the parked watchers cost it in memory and threads.
/// </summary>
internal static class WatcherLoad
{
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(20);

    public static async Task<WatchResult> RunAsync(IWatchFleet fleet, string name, int watchers, int rounds, TimeProvider time, CancellationToken cancellationToken)
    {
        await fleet.PrepareAsync(cancellationToken).ConfigureAwait(false);
        await ProcStats.AwaitIdleAsync(fleet.ServerPid, SettleTimeout, time, cancellationToken).ConfigureAwait(false);
        var before = ProcStats.Read(fleet.ServerPid);

        var started = time.GetTimestamp();
        await fleet.ConnectAsync(watchers, cancellationToken).ConfigureAwait(false);
        var connectTime = time.GetElapsedTime(started);

        var firstArm = TimeSpan.Zero;
        var parked = new List<ProcStats>(rounds);
        var lastAfterAnswered = new List<double>(rounds);
        var lastAfterSent = new List<double>(rounds);
        var writeLatency = new List<double>(rounds);
        var all = new List<double>(watchers * rounds);
        for (var round = 1; round <= rounds; round++)
        {
            started = time.GetTimestamp();
            await fleet.ArmAsync(cancellationToken).ConfigureAwait(false);
            if (round == 1)
            {
                firstArm = time.GetElapsedTime(started);
            }
            var stats = ProcStats.Read(fleet.ServerPid);
            parked.Add(stats);

            var write = await fleet.WriteAsync(round, cancellationToken).ConfigureAwait(false);
            var answers = await fleet.AnswersAsync(cancellationToken).ConfigureAwait(false);
            var last = answers.Max();
            lastAfterAnswered.Add(time.GetElapsedTime(write.Answered, last).TotalMilliseconds);
            lastAfterSent.Add(time.GetElapsedTime(write.Sent, last).TotalMilliseconds);
            writeLatency.Add(time.GetElapsedTime(write.Sent, write.Answered).TotalMilliseconds);
            all.AddRange(answers.Select(at => time.GetElapsedTime(write.Answered, at).TotalMilliseconds));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name} round {round}/{rounds}: last of {watchers:N0} watchers {lastAfterAnswered[^1]:0.0} ms after the write's answer (write {writeLatency[^1]:0.0} ms); server RSS {stats.RssBytes / 1048576.0:0} MiB, {stats.Threads} threads"));
        }
        return new WatchResult(
            watchers,
            connectTime,
            firstArm,
            before,
            parked,
            Percentiles.Of(lastAfterAnswered),
            Percentiles.Of(lastAfterSent),
            Percentiles.Of(all),
            Percentiles.Of(writeLatency));
    }
}
