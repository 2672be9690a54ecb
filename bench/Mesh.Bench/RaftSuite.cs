using System.Globalization;

namespace Mesh.Bench;

/// <summary>
/// Raft rows: proposals per second through the Raft engine alone (three Mesh.Raft.Node processes, fsync on) at 1
/// and 64 concurrent proposers, and how many fsyncs each member issued for them; then a three-member etcd the same way.
/// </summary>
internal static class RaftSuite
{
    private static readonly int[] ProposerCounts = [1, 64];

    public static async Task RunAsync(BenchOptions options, Report report, TimeProvider time, CancellationToken cancellationToken)
    {
        string meshColumn;
        await using (var mesh = await RaftNodeCluster.StartAsync(time, cancellationToken).ConfigureAwait(false))
        {
            meshColumn = mesh.Column;
            await RunRowsAsync(mesh, options, report, time, cancellationToken).ConfigureAwait(false);
        }
        if (options.SkipPeer)
        {
            return;
        }
        await using var etcd = await EtcdCluster.StartAsync(time, cancellationToken).ConfigureAwait(false);
        report.AddRatio(meshColumn, etcd.Column, "mesh/etcd");
        await RunRowsAsync(etcd, options, report, time, cancellationToken).ConfigureAwait(false);
    }

    public static IEnumerable<string> Notes(BenchOptions options)
    {
        yield return "mesh/etcd is mesh's proposals/s divided by etcd's: above 1 means the mesh engine is faster.";
        yield return "A proposal is one HTTP/1.1 POST to the leader, answered once the entry is committed (fsynced on a majority) and applied on the leader: mesh's /increment with a short id, etcd's gateway /v3/kv/put of a 100-byte value over 1,000 keys. Closed loop: each proposer sends its next as soon as its last was answered.";
        yield return "fsyncs/s is each member's count of log fsyncs over the row (warm-up included) divided by its time: mesh's LogSyncs from /status, etcd's etcd_disk_wal_fsync_duration_seconds_count from /metrics. Entries per fsync is log entries (mesh: last log index; etcd: proposals committed) over fsyncs: above 1 is group commit at work.";
        yield return $"All members, their data directories (ext4) and the load generator share the {Environment.ProcessorCount} cores and one disk.";
        if (options.SkipPeer)
        {
            yield return "--skip-peer: etcd was not measured.";
        }
    }

    private static async Task RunRowsAsync(IReplicatedCluster cluster, BenchOptions options, Report report, TimeProvider time, CancellationToken cancellationToken)
    {
        report.AddColumn(cluster.Column, cluster.Header);
        await KvLoad.PrepareAsync(cluster.Leader, cluster.Header, cancellationToken).ConfigureAwait(false);
        foreach (var proposers in ProposerCounts)
        {
            var before = await cluster.SampleAsync(cancellationToken).ConfigureAwait(false);
            var started = time.GetTimestamp();
            var result = await KvLoad.RunAsync(cluster.Leader, KvOperation.Put, proposers, options.Duration, time, cancellationToken).ConfigureAwait(false);
            var after = await cluster.SampleAsync(cancellationToken).ConfigureAwait(false);
            var elapsed = time.GetElapsedTime(started);
            cluster.EnsureRunning();
            if (result.Operations == 0)
            {
                throw new BenchException($"{cluster.Header}: every proposal failed, e.g. {result.FirstError}");
            }
            var label = $"{proposers} proposer{(proposers == 1 ? "" : "s")}";
            report.Add($"Raft proposals/s, {label}", cluster.Column, KvSuite.Cell(result));
            report.Add($"fsyncs/s at {label}: leader; followers (entries per fsync)", cluster.Column, Syncs(before, after, elapsed));
        }
    }

    private static Cell Syncs(IReadOnlyList<SyncSample> before, IReadOnlyList<SyncSample> after, TimeSpan elapsed)
    {
        string Member(SyncSample end)
        {
            var start = before.Single(s => s.Member == end.Member);
            var syncs = end.Syncs - start.Syncs;
            var perSync = syncs > 0 ? (end.Entries - start.Entries) / syncs : double.NaN;
            return string.Create(CultureInfo.InvariantCulture, $"{syncs / elapsed.TotalSeconds:N0}/s ({perSync:0.0})");
        }
        var leader = after.Where(s => s.IsLeader).Select(Member).FirstOrDefault() ?? "none";
        var followers = string.Join(", ", after.Where(s => !s.IsLeader).Select(Member));
        // Not a throughput: no ratio is taken of it.
        return new Cell($"leader {leader}; followers {followers}", double.NaN);
    }
}
