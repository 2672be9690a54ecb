namespace Mesh.Bench;

/// <summary>
/// One invocation: the KV rows, the watch rows, then their summary table; the gossip rows and theirs; the Raft rows
/// and theirs; the datacenter rows and theirs; the DNS rows and theirs; the lock rows and theirs; the proxy rows and theirs.
/// </summary>
internal static class BenchRun
{
    /// <summary>Open files the harness (and each server, which inherits the limit) is given.</summary>
    private const ulong WantedOpenFiles = 65_536;

    /// <summary>Beyond the watchers' sockets: the runtime's own files, the KV clients, /proc reads.</summary>
    private const ulong SpareOpenFiles = 1_024;

    public static async Task RunAsync(BenchOptions options, IReadOnlyList<string> args, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new BenchException("the benchmark reads /proc and runs only on Linux");
        }
        FileLimits.Raise(Math.Max(WantedOpenFiles, (ulong)options.Watchers + SpareOpenFiles), (ulong)options.Watchers + SpareOpenFiles);

        var report = new Report();
        if (options.RunKv)
        {
            Console.WriteLine($"KV rows: {options.Duration.TotalSeconds:0.#} s each, {KvWorkload.ValueSize}-byte values over {KvWorkload.KeyCount} keys");
            await KvSuite.RunAsync(options, report, time, cancellationToken).ConfigureAwait(false);
        }
        if (options.RunWatch)
        {
            Console.WriteLine($"Watch rows: {options.Watchers:N0} watchers, {options.Rounds} rounds");
            await WatchSuite.RunAsync(options, report, time, cancellationToken).ConfigureAwait(false);
        }
        var gossip = new Report();
        if (options.RunGossip)
        {
            Console.WriteLine($"Gossip rows: simulated pools, then {GossipSuite.RealMembers} real agents; {options.GossipRounds} rounds each");
            await GossipSuite.RunAsync(options, gossip, time, cancellationToken).ConfigureAwait(false);
        }
        var raft = new Report();
        if (options.RunRaft)
        {
            Console.WriteLine($"Raft rows: 3 local processes with fsync, {options.Duration.TotalSeconds:0.#} s each at 1 and 64 proposers");
            await RaftSuite.RunAsync(options, raft, time, cancellationToken).ConfigureAwait(false);
        }
        var datacenter = new Report();
        if (options.RunDatacenter)
        {
            Console.WriteLine($"Datacenter rows: 3 mesh servers and 3 etcd members with fsync, {options.Duration.TotalSeconds:0.#} s each, {KvWorkload.ValueSize}-byte values over {KvWorkload.KeyCount} keys");
            await DatacenterSuite.RunAsync(options, datacenter, time, cancellationToken).ConfigureAwait(false);
        }
        var locks = new Report();
        if (options.RunLock)
        {
            Console.WriteLine($"Lock rows: a holder agent killed with kill -9, {options.Rounds} rounds");
            await LockSuite.RunAsync(options, locks, time, cancellationToken).ConfigureAwait(false);
        }

        var dns = new Report();
        if (options.RunDns)
        {
            Console.WriteLine($"DNS rows: {options.Duration.TotalSeconds:0.#} s, {DnsSuite.Clients} UDP clients, a service of {DnsSuite.Instances} instances");
            await DnsSuite.RunAsync(options, dns, time, cancellationToken).ConfigureAwait(false);
        }

        var proxy = new Report();
        if (options.RunProxy)
        {
            Console.WriteLine($"Proxy rows: {options.Duration.TotalSeconds:0.#} s each, GET at {ProxySuite.Rate:N0} req/s and from {ProxySuite.Clients} clients: direct, mesh sidecar pair (protocol http, then tcp), haproxy pair");
            await ProxySuite.RunAsync(options, proxy, time, cancellationToken).ConfigureAwait(false);
        }

        var command = "dotnet run --project bench/Mesh.Bench -c Release" + (args.Count == 0 ? "" : " -- " + string.Join(' ', args));
        if (options.RunKv || options.RunWatch)
        {
            Console.WriteLine();
            Console.WriteLine(report.ToMarkdown(command, Notes(options)));
        }
        if (options.RunGossip)
        {
            Console.WriteLine();
            Console.WriteLine(gossip.ToMarkdown(command, GossipSuite.Notes(options)));
        }
        if (options.RunRaft)
        {
            Console.WriteLine();
            Console.WriteLine(raft.ToMarkdown(command, RaftSuite.Notes(options)));
        }
        if (options.RunDatacenter)
        {
            Console.WriteLine();
            Console.WriteLine(datacenter.ToMarkdown(command, DatacenterSuite.Notes(options)));
        }
        if (options.RunDns)
        {
            Console.WriteLine();
            Console.WriteLine(dns.ToMarkdown(command, DnsSuite.Notes(options)));
        }
        if (options.RunLock)
        {
            Console.WriteLine();
            Console.WriteLine(locks.ToMarkdown(command, LockSuite.Notes(options)));
        }
        if (options.RunProxy)
        {
            Console.WriteLine();
            Console.WriteLine(proxy.ToMarkdown(command, ProxySuite.Notes(options)));
        }
    }

    private static IEnumerable<string> Notes(BenchOptions options)
    {
        yield return "mesh/etcd is mesh's number divided by etcd's: above 1 for ops/s means mesh is faster; below 1 for ms, KiB and s means mesh is better.";
        yield return $"The dev agent keeps its state in memory only; etcd writes a WAL and fsyncs every write unless run with --unsafe-no-fsync. Both serve HTTP/1.1 JSON on 127.0.0.1 (etcd through its gRPC gateway), sharing the {Environment.ProcessorCount} cores with the load generator.";
        if (options.RunWatch)
        {
            yield return "mesh watchers are Consul blocking queries re-armed with the new index after every write; etcd watchers are gateway watch streams created once. A first, uncounted warm-up round precedes the counted ones; with few rounds the p99 is their maximum.";
            if (!options.SkipPeer)
            {
                yield return "The watch rows ran against etcd --unsafe-no-fsync only (one write per round: fsync would only add its own latency to the write).";
            }
        }
        if (options.SkipPeer)
        {
            yield return "--skip-peer: etcd was not measured.";
        }
    }
}
