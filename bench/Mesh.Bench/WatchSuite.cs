using System.Globalization;

namespace Mesh.Bench;

/// <summary>Row 3: N watchers parked on one key, on mesh (blocking queries), then etcd (gateway watch streams).</summary>
internal static class WatchSuite
{
    public static async Task RunAsync(BenchOptions options, Report report, TimeProvider time, CancellationToken cancellationToken)
    {
        // A fresh server per side, so that its memory before the watchers is not inflated by the KV rows.
        await using (var agent = await AgentProcess.StartAsync(time, cancellationToken).ConfigureAwait(false))
        {
            Columns.AddMesh(report);
            using var fleet = new MeshWatchFleet(agent, time);
            var result = await WatcherLoad.RunAsync(fleet, Report.Mesh, options.Watchers, options.Rounds, time, cancellationToken).ConfigureAwait(false);
            agent.EnsureRunning();
            AddRows(report, Report.Mesh, result, options.Rounds);
        }
        if (options.SkipPeer)
        {
            return;
        }
        await using (var etcd = await EtcdProcess.StartAsync(fsync: false, time, cancellationToken).ConfigureAwait(false))
        {
            var column = Columns.AddEtcd(report, etcd);
            using var fleet = new EtcdWatchFleet(etcd, time);
            var result = await WatcherLoad.RunAsync(fleet, column, options.Watchers, options.Rounds, time, cancellationToken).ConfigureAwait(false);
            etcd.EnsureRunning();
            AddRows(report, column, result, options.Rounds);
        }
    }

    private static void AddRows(Report report, string column, WatchResult result, int rounds)
    {
        var n = result.Watchers.ToString("N0", CultureInfo.InvariantCulture);
        var sent = result.LastAfterWriteSent;
        report.Add($"Watch: last of {n} watchers answered, from the write's request (p50 / p99 / max of {rounds} rounds)", column,
            new Cell(Format($"{sent.P50:0.0} / {sent.P99:0.0} / {sent.Max:0.0} ms"), sent.P50));
        var answered = result.LastAfterWriteAnswered;
        report.Add("Watch: the same, from the write's response", column,
            new Cell(Format($"{answered.P50:0.0} / {answered.P99:0.0} / {answered.Max:0.0} ms"), answered.P50));
        var all = result.AllAfterWriteSent;
        report.Add("Watch: every watcher's answer, from the write's request (p50 / p99)", column,
            new Cell(Format($"{all.P50:0.0} / {all.P99:0.0} ms"), all.P50));
        report.Add($"Watch: the write's own latency with {n} watchers parked (p50 / max)", column,
            new Cell(Format($"{result.WriteLatency.P50:0.0} / {result.WriteLatency.Max:0.0} ms"), result.WriteLatency.P50));
        report.Add("Watch: server memory per parked watcher (RSS growth / N)", column,
            new Cell(Format($"{result.BytesPerWatcher / 1024:0.0} KiB (RSS {result.Before.RssBytes / 1048576.0:0} → {result.ParkedRss / 1048576:0} MiB)"), result.BytesPerWatcher));
        report.Add($"Watch: server threads, idle → {n} watchers parked", column,
            new Cell(Format($"{result.Before.Threads} → {result.MaxThreadsParked}"), double.NaN));
        report.Add($"Watch: time to park {n} connected watchers", column,
            new Cell(Format($"{result.ParkTime.TotalSeconds:0.00} s"), result.ParkTime.TotalSeconds));
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
