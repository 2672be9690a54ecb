using System.Globalization;
using Mesh.Gossip.Simulation;
using Mesh.Server.Gossip;

namespace Mesh.Bench;

/// <summary>
/// The gossip rows from real agents: a pool of one server and client agents on loopback. After the steady-state
/// traffic window, each round kills (-9) the oldest client and times its failure at every other member and in the
/// catalog, then starts a new client and times its arrival at every other member, so the pool stays at its size.
/// </summary>
internal static class GossipReal
{
    public const string BytesSentCounter = "mesh.gossip.bytes.sent";

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ExportTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RoundTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan BetweenRounds = TimeSpan.FromSeconds(1);

    /// <summary>Runs the pool; <paramref name="settings"/> are the agents' defaults, which set the traffic window (one push-pull period).</summary>
    public static async Task<GossipResult> RunAsync(int members, int rounds, GossipOptions settings, TimeProvider time, CancellationToken cancellationToken)
    {
        using var sink = OtlpSink.Start(BytesSentCounter, "transport");
        var starting = time.GetTimestamp();
        await using var pool = await GossipPool.StartAsync(members, sink, time, cancellationToken).ConfigureAwait(false);
        Console.WriteLine(Format($"  {members} agents started and every one lists all {members} alive after {time.GetElapsedTime(starting).TotalSeconds:0.0} s"));

        // The join broadcasts drain first: the window is the steady state.
        await Task.Delay(Settle, time, cancellationToken).ConfigureAwait(false);
        var window = MemberlistFormulas.PushPullInterval(settings, members);
        var traffic = await MeasureTrafficAsync(pool, sink, window, time, cancellationToken).ConfigureAwait(false);

        var detection = new List<double>();
        var catalog = new List<double>();
        var joinFromStart = new List<double>();
        var join = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            await Task.Delay(BetweenRounds, time, cancellationToken).ConfigureAwait(false);
            var (victim, failed, critical) = await KillAsync(pool, time, cancellationToken).ConfigureAwait(false);
            detection.Add(failed.TotalSeconds);
            catalog.Add(critical.TotalSeconds);
            await Task.Delay(BetweenRounds, time, cancellationToken).ConfigureAwait(false);
            var node = $"c{members - 1 + round}";
            var (fromStart, fromJoin) = await JoinAsync(pool, node, time, cancellationToken).ConfigureAwait(false);
            joinFromStart.Add(fromStart.TotalSeconds);
            join.Add(fromJoin.TotalSeconds);
            Console.WriteLine(Format(
                $"  round {round}: {victim} failed at every member {failed.TotalSeconds:0.00} s after kill -9 (serfHealth critical {critical.TotalSeconds:0.00} s); {node} alive at every member {fromJoin.TotalSeconds:0.00} s after its join, {fromStart.TotalSeconds:0.00} s after its start"));
        }
        return new GossipResult(
            members,
            Percentiles.Of(detection),
            Percentiles.Of(catalog),
            Percentiles.Of(join),
            Percentiles.Of(joinFromStart),
            Update: null,
            traffic);
    }

    /// <summary>
    /// Each live agent's <see cref="BytesSentCounter"/> as exported at the start and the end of the window; null if the
    /// agents export nothing.
    /// </summary>
    private static async Task<GossipTraffic?> MeasureTrafficAsync(GossipPool pool, OtlpSink sink, TimeSpan window, TimeProvider time, CancellationToken cancellationToken)
    {
        var live = pool.Live.ToList();
        if (!await Poll.UntilAsync(() => live.All(agent => sink.Latest(agent.Node) is not null), ExportTimeout, time, cancellationToken).ConfigureAwait(false))
        {
            Console.WriteLine($"  no {BytesSentCounter} from {string.Join(", ", live.Where(a => sink.Latest(a.Node) is null).Select(a => a.Node))} over OTLP within {ExportTimeout.TotalSeconds:0} s: traffic not measured");
            return null;
        }
        var before = live.ToDictionary(agent => agent, agent => sink.Latest(agent.Node)!);
        await Task.Delay(window, time, cancellationToken).ConfigureAwait(false);
        var rates = live.Select(agent =>
        {
            var after = sink.Latest(agent.Node)!;
            var seconds = (after.TimeUnixNano - before[agent].TimeUnixNano) / 1e9;
            if (seconds <= 0)
            {
                throw new BenchException($"{agent.Node} exported no metrics during the {window.TotalSeconds:0} s traffic window");
            }
            return (Udp: Delta(before[agent], after, "udp") / seconds, Tcp: Delta(before[agent], after, "tcp") / seconds, Total: (after.Total - before[agent].Total) / seconds);
        }).ToList();
        return new GossipTraffic(rates.Average(r => r.Udp), rates.Average(r => r.Tcp), rates.Min(r => r.Total), rates.Max(r => r.Total), window);
    }

    private static long Delta(CounterPoint before, CounterPoint after, string transport) =>
        after.Values.GetValueOrDefault(transport) - before.Values.GetValueOrDefault(transport);

    /// <summary>kill -9 of the oldest client; when every other member lists it failed, and when the server's catalog has it critical.</summary>
    private static async Task<(string Victim, TimeSpan Failed, TimeSpan Critical)> KillAsync(GossipPool pool, TimeProvider time, CancellationToken cancellationToken)
    {
        var victim = pool.Live.First(agent => agent != pool.Server);
        var observers = pool.Live.Where(agent => agent != victim).ToList();
        var started = time.GetTimestamp();
        GossipPool.Kill(victim);
        var failed = pool.TimeEachAsync(
            observers,
            async (observer, token) => (await GossipPool.MembersAsync(observer, token).ConfigureAwait(false))?.GetValueOrDefault(victim.Node) == GossipPool.StatusFailed,
            started, RoundTimeout, $"{victim.Node} failed after kill -9", cancellationToken);
        var critical = pool.TimeEachAsync(
            [pool.Server],
            async (server, token) => await GossipPool.SerfHealthAsync(server, victim.Node, token).ConfigureAwait(false) == "critical",
            started, RoundTimeout, $"{victim.Node}'s serfHealth critical after kill -9", cancellationToken);
        await Task.WhenAll(failed, critical).ConfigureAwait(false);
        return (victim.Node, (await failed.ConfigureAwait(false)).Values.Max(), (await critical.ConfigureAwait(false)).Values.Single());
    }

    /// <summary>
    /// Starts client <paramref name="node"/>; when every other member lists it alive, from its start and from its join
    /// (when the server, the member it joins, first lists it).
    /// </summary>
    private static async Task<(TimeSpan FromStart, TimeSpan FromJoin)> JoinAsync(GossipPool pool, string node, TimeProvider time, CancellationToken cancellationToken)
    {
        var observers = pool.Live.ToList();
        var started = time.GetTimestamp();
        var joiner = pool.LaunchClient(node);
        var seen = await pool.TimeEachAsync(
            observers,
            async (observer, token) => (await GossipPool.MembersAsync(observer, token).ConfigureAwait(false))?.GetValueOrDefault(node) == GossipPool.StatusAlive,
            started, RoundTimeout, $"new member {node} alive", cancellationToken).ConfigureAwait(false);
        await pool.WaitServingAsync(joiner, cancellationToken).ConfigureAwait(false);
        var all = seen.Values.Max();
        return (all, all - seen[pool.Server]);
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
