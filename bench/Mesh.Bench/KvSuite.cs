using System.Globalization;

namespace Mesh.Bench;

/// <summary>Rows 1–2: KV PUT and GET throughput and latency at 1 and 64 clients, on mesh, then etcd without and with fsync.</summary>
internal static class KvSuite
{
    private static readonly int[] ClientCounts = [1, 64];

    public static async Task RunAsync(BenchOptions options, Report report, TimeProvider time, CancellationToken cancellationToken)
    {
        await using (var agent = await AgentProcess.StartAsync(time, cancellationToken).ConfigureAwait(false))
        {
            Columns.AddMesh(report);
            await RunRowsAsync(new MeshKvTarget(agent.BaseAddress), Report.Mesh, agent.EnsureRunning, options, report, time, cancellationToken).ConfigureAwait(false);
        }
        if (options.SkipPeer)
        {
            return;
        }
        foreach (var fsync in new[] { false, true })
        {
            await using var etcd = await EtcdProcess.StartAsync(fsync, time, cancellationToken).ConfigureAwait(false);
            var column = Columns.AddEtcd(report, etcd);
            await RunRowsAsync(new EtcdKvTarget(etcd.BaseAddress), column, etcd.EnsureRunning, options, report, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task RunRowsAsync(IKvTarget target, string column, Action ensureRunning, BenchOptions options, Report report, TimeProvider time, CancellationToken cancellationToken)
    {
        await KvLoad.PrepareAsync(target, column, cancellationToken).ConfigureAwait(false);
        foreach (var operation in new[] { KvOperation.Put, KvOperation.Get })
        {
            foreach (var clients in ClientCounts)
            {
                var result = await KvLoad.RunAsync(target, operation, clients, options.Duration, time, cancellationToken).ConfigureAwait(false);
                ensureRunning();
                if (result.Operations == 0)
                {
                    throw new BenchException($"{column}: every KV {operation} failed, e.g. {result.FirstError}");
                }
                report.Add(Row(operation, clients), column, Cell(result));
            }
        }
    }

    private static string Row(KvOperation operation, int clients) =>
        $"KV {operation.ToString().ToUpperInvariant()}, {clients} client{(clients == 1 ? "" : "s")}";

    internal static Cell Cell(KvResult result)
    {
        var errors = result.Errors == 0 ? "" : $", {result.Errors} errors e.g. {result.FirstError}";
        return new Cell(
            string.Create(CultureInfo.InvariantCulture,
                $"{result.OperationsPerSecond:N0} ops/s (p50 {result.Latency.P50:0.00} ms, p99 {result.Latency.P99:0.00} ms{errors})"),
            result.OperationsPerSecond);
    }
}
