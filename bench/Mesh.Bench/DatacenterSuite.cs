using System.Globalization;

namespace Mesh.Bench;

/// <summary>
/// Datacenter rows: a three-server mesh datacenter and a three-member etcd, both fsyncing, running side by side and
/// loaded the same way row by row: durable writes at 1 and 64 clients (to the leader, then forwarded by a follower),
/// then reads at 64 clients in each consistency mode. Each cell also gives the CPU the servers and the load generator
/// spent per operation, which on a small machine is what bounds the rate.
/// </summary>
internal static class DatacenterSuite
{
    private const double MicrosecondsPerTick = 10_000; // /proc counts CPU in 1/100 s.

    private static readonly TimeSpan MaxWarmupPass = TimeSpan.FromSeconds(3);

    private static readonly Load[] Loads =
    [
        new("KV PUT to the leader, 1 client", KvOperation.Put, 1, Leader(KvRead.Default)),
        new("KV PUT to the leader, 64 clients", KvOperation.Put, 64, Leader(KvRead.Default)),
        new("KV PUT to a follower (forwarded to the leader), 1 client", KvOperation.Put, 1, Follower),
        new("KV PUT to a follower (forwarded to the leader), 64 clients", KvOperation.Put, 64, Follower),
        new("KV GET default, 64 clients to the leader", KvOperation.Get, 64, Leader(KvRead.Default)),
        new("KV GET consistent, 64 clients to the leader", KvOperation.Get, 64, Leader(KvRead.Consistent)),
        new("KV GET stale, 64 clients over the 3 servers", KvOperation.Get, 64, dc => [.. dc.Servers.Select(server => dc.Target(server, KvRead.Stale))]),
    ];

    public static async Task RunAsync(BenchOptions options, Report report, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        await using var mesh = await MeshDatacenter.StartAsync(time, cancellationToken).ConfigureAwait(false);
        Console.WriteLine(Format($"  mesh: 3 servers formed a datacenter (3 Raft peers, one leader) {time.GetElapsedTime(started).TotalSeconds:0.0} s after start"));
        List<IDatacenter> datacenters = [mesh];
        report.AddColumn(mesh.Column, mesh.Header);
        await using var etcd = options.SkipPeer ? null : await EtcdCluster.StartAsync(time, cancellationToken).ConfigureAwait(false);
        if (etcd is not null)
        {
            datacenters.Add(etcd);
            report.AddColumn(etcd.Column, etcd.Header);
            report.AddRatio(mesh.Column, etcd.Column, "mesh/etcd");
        }
        foreach (var datacenter in datacenters)
        {
            await KvLoad.PrepareAsync(datacenter.Target(datacenter.Servers[0], KvRead.Default), datacenter.Header, cancellationToken).ConfigureAwait(false);
        }
        // mesh compiles its code just in time and tiers it up over the first seconds a path is used (the forwarding path
        // spent its first ~3 s mostly compiling on this machine); etcd is compiled ahead of time. Each distinct load runs
        // once, uncounted, on both sides first, so that the rows compare steady states.
        var distinct = Loads.Where(l => l.Clients > 1).ToList();
        Console.WriteLine(Format($"  warm-up: each of the {distinct.Count} loads at 64 clients for {WarmupPass(options).TotalSeconds:0.#} s on each side, not counted"));
        foreach (var load in distinct)
        {
            foreach (var datacenter in datacenters)
            {
                await KvLoad.RunAsync(load.Targets(datacenter), load.Operation, load.Clients, WarmupPass(options), time, cancellationToken).ConfigureAwait(false);
                datacenter.EnsureRunning();
            }
        }
        foreach (var load in Loads)
        {
            // Row by row rather than system by system, so that a change in the machine's load hits both sides of a ratio alike.
            foreach (var datacenter in datacenters)
            {
                report.Add(load.Row, datacenter.Column, await RunAsync(datacenter, load, options, time, cancellationToken).ConfigureAwait(false));
            }
        }
    }

    public static IEnumerable<string> Notes(BenchOptions options)
    {
        yield return "mesh/etcd is mesh's ops/s divided by etcd's: above 1 means mesh is faster.";
        yield return "Both sides are three servers on 127.0.0.1, each with its own data directory on the same disk, fsyncing their logs (mesh: Raft log; etcd: WAL, as shipped); a write is answered once it is committed on a quorum and applied. Both ran during the whole suite, each idle while the other was measured.";
        yield return "The load goes the same way to both: writes and default/consistent reads to the leader, stale reads spread over the three servers (client i to server i mod 3); the forwarded rows send the writes to a follower, which hands them to the leader (mesh: agent RPC; etcd: a Raft proposal to the leader).";
        yield return "Reads: default is mesh's plain GET (the leader answers under its lease) against etcd's default linearizable range (ReadIndex: the leader confirms with a quorum; etcd has no lease reads by default); consistent is mesh's ?consistent (the leader confirms with a quorum) against the same linearizable range; stale is mesh's ?stale against etcd's serializable range (any server, from its own state).";
        yield return "Both are spoken to over HTTP/1.1 JSON with keep-alive: mesh's HTTP API is Consul's own; etcd is driven through the JSON gateway inside each member (HTTP/1.1 JSON → gRPC → etcd), which costs it CPU per request that its native gRPC clients do not pay.";
        yield return $"Before the rows, every load ran once at 64 clients for {WarmupPass(options).TotalSeconds:0.#} s on both sides, uncounted, so that mesh's just-in-time compiled code is tiered up on every path the rows take (etcd is compiled ahead of time); each row also has its own warm-up of a quarter of its time (at most 1 s).";
        yield return $"CPU per op is each process's user+system time over the row (its warm-up included), per second, divided by the row's ops/s: the servers' sum (leader, then followers) and the load generator's. All of it shares {Environment.ProcessorCount} cores.";
        if (options.SkipPeer)
        {
            yield return "--skip-peer: etcd was not measured.";
        }
    }

    private static async Task<Cell> RunAsync(IDatacenter datacenter, Load load, BenchOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        var pids = datacenter.Pids;
        var serversBefore = pids.Select(pid => ProcStats.Read(pid).CpuTicks).ToArray();
        var clientBefore = Environment.CpuUsage.TotalTime;
        var started = time.GetTimestamp();
        var result = await KvLoad.RunAsync(load.Targets(datacenter), load.Operation, load.Clients, options.Duration, time, cancellationToken).ConfigureAwait(false);
        var seconds = time.GetElapsedTime(started).TotalSeconds;
        var servers = pids.Select((pid, i) => ProcStats.Read(pid).CpuTicks - serversBefore[i]).ToArray();
        var client = (Environment.CpuUsage.TotalTime - clientBefore).TotalMicroseconds;
        datacenter.EnsureRunning();
        if (result.Operations == 0)
        {
            throw new BenchException($"{datacenter.Header}: every {load.Row} failed, e.g. {result.FirstError}");
        }
        var leaderMoved = await datacenter.LeaderUnchangedAsync(cancellationToken).ConfigureAwait(false) ? "" : "; the leader changed during this row";
        double PerOp(double microseconds) => microseconds / seconds / result.OperationsPerSecond;
        var cell = KvSuite.Cell(result);
        var each = string.Join(" + ", servers.Select(ticks => Format($"{PerOp(ticks * MicrosecondsPerTick):0}")));
        return cell with
        {
            Text = Format($"{cell.Text}; CPU per op: servers {PerOp(servers.Sum() * MicrosecondsPerTick):0} µs ({each}), load generator {PerOp(client):0} µs{leaderMoved}"),
        };
    }

    private static Func<IDatacenter, IReadOnlyList<IKvTarget>> Leader(KvRead read) => dc => [dc.Target(dc.Servers[0], read)];

    private static IReadOnlyList<IKvTarget> Follower(IDatacenter dc) => [dc.Target(dc.Servers[1], KvRead.Default)];

    private static TimeSpan WarmupPass(BenchOptions options) => options.Duration < MaxWarmupPass ? options.Duration : MaxWarmupPass;

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>One row: what is sent, by how many clients, to which servers of a datacenter.</summary>
    private sealed record Load(string Row, KvOperation Operation, int Clients, Func<IDatacenter, IReadOnlyList<IKvTarget>> Targets);
}
