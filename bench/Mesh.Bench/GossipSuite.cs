using System.Globalization;
using Mesh.Gossip.Simulation;
using Mesh.Server.Gossip;

namespace Mesh.Bench;

/// <summary>
/// The gossip rows: failure detection, dissemination and traffic for pools of 10, 50 and 200 simulated members and
/// 10 real agents, next to what memberlist's formulas give for the same (Consul default LAN) settings.
/// </summary>
internal static class GossipSuite
{
    public const string Simulated = "simulated";
    public const string Real = "real";
    public const string Formula = "memberlist";

    public const int RealMembers = 10;

    private static readonly int[] Sizes = [10, 50, 200];

    public static async Task RunAsync(BenchOptions options, Report report, TimeProvider time, CancellationToken cancellationToken)
    {
        var settings = new GossipOptions();
        report.AddColumn(Simulated, "mesh, simulated pool");
        report.AddColumn(Real, $"mesh, {RealMembers} real agents (1 server + {RealMembers - 1} clients)");
        report.AddColumn(Formula, "memberlist's formula, same settings");
        report.AddRatio(Simulated, Formula, "simulated/formula");
        report.AddRatio(Real, Formula, "real/formula");
        var rounds = options.GossipRounds;
        foreach (var size in Sizes)
        {
            AddFormulas(report, size, rounds, settings);
        }
        foreach (var size in Sizes)
        {
            var started = time.GetTimestamp();
            var simulated = GossipSimulated.Run(size, rounds, settings);
            Console.WriteLine(Format($"  simulated N={size}: {rounds} seeds per scenario in {time.GetElapsedTime(started).TotalSeconds:0.0} s"));
            AddResult(report, Simulated, simulated, rounds);
        }
        Console.WriteLine($"Real gossip pool: {RealMembers} agents, {rounds} kill/join rounds");
        AddResult(report, Real, await GossipReal.RunAsync(RealMembers, rounds, settings, time, cancellationToken).ConfigureAwait(false), rounds);
    }

    public static IEnumerable<string> Notes(BenchOptions options)
    {
        var settings = new GossipOptions();
        yield return Format($"Settings are Consul's LAN defaults for both: probe every {settings.ProbeInterval.TotalSeconds:0} s (timeout {settings.ProbeTimeout.TotalMilliseconds:0} ms, {settings.IndirectChecks} indirect), gossip every {settings.GossipInterval.TotalMilliseconds:0} ms to {settings.GossipNodes}, RetransmitMult {settings.RetransmitMult}, SuspicionMult {settings.SuspicionMult}, SuspicionMaxTimeoutMult {settings.SuspicionMaxTimeoutMult}, push-pull every {settings.PushPullInterval.TotalSeconds:0} s (longer above 32 members).");
        yield return Format($"Simulated: the real protocol core for every member on one virtual clock (tests/Mesh.Gossip.Simulation), 1–5 ms latency, no loss, each member gossiping a Consul client's tags; {options.GossipRounds} seeds per size and scenario, each a fresh pool. Times are p50 / max over the seeds.");
        yield return Format($"Real: one `mesh agent -server -bootstrap-expect=1` and {RealMembers - 1} client agents (`-retry-join` to it) on 127.0.0.1, each polled every 50 ms (times are ±50 ms); {options.GossipRounds} rounds, each a kill -9 of the oldest client and then a new client joining. A new member's time runs from when the server (the member it joins) first lists it; the text adds the time from the new process's start.");
        yield return "memberlist's formulas: detection ≈ ProbeInterval (the failing probe round) + the suspicion timeout, min = SuspicionMult · max(1, log10 N) · ProbeInterval once SuspicionMult − 2 other members confirm, up to SuspicionMaxTimeoutMult · min unconfirmed; dissemination ≤ RetransmitMult · ceil(log10(N + 1)) rounds of GossipInterval. The ratios divide the measured p50 by them: detection near 1 is the Lifeguard-confirmed minimum; dissemination well below 1 is the epidemic finishing before the retransmit limit.";
        yield return $"Traffic is gossip payload sent (UDP datagrams + TCP push-pull frames, no IP/UDP/TCP headers) per member per second with no membership change. Real: each agent's {GossipReal.BytesSentCounter} counter, exported over OTLP/HTTP to the harness every second, over one window after the pool has settled; simulated: the same bytes counted by the simulated network. Both windows are one push-pull period (30 s at N = 10, 60 s at 50, 120 s at 200), so each member's full-state exchange is counted about once; the simulated members' names (node-0001) are longer than the real ones (c1), which makes their probes a little larger.";
    }

    private static void AddFormulas(Report report, int size, int rounds, GossipOptions settings)
    {
        var min = MemberlistFormulas.SuspicionMin(settings, size);
        var expected = MemberlistFormulas.ExpectedDetection(settings, size);
        var detection = new Cell(
            Format($"≈ {expected.TotalSeconds:0.0} s: {settings.ProbeInterval.TotalSeconds:0} s probe + {min.TotalSeconds:0.0} s confirmed suspicion (≤ {(settings.ProbeInterval * 2 + MemberlistFormulas.SuspicionMax(settings, size)).TotalSeconds:0} s unconfirmed)"),
            expected.TotalSeconds);
        report.Add(DetectionRow(size, rounds), Formula, detection);
        if (size == RealMembers)
        {
            report.Add(CatalogRow(size, rounds), Formula, detection);
            report.Add(CatalogRow(size, rounds), Simulated, new Cell("no catalog", double.NaN));
        }
        var bound = MemberlistFormulas.DisseminationBound(settings, size);
        var dissemination = new Cell(
            Format($"≤ {bound.TotalSeconds:0.0} s: {MemberlistFormulas.RetransmitLimit(settings, size)} rounds × {settings.GossipInterval.TotalMilliseconds:0} ms"),
            bound.TotalSeconds);
        report.Add(JoinRow(size, rounds), Formula, dissemination);
        report.Add(UpdateRow(size, rounds), Formula, dissemination);
        if (size == RealMembers)
        {
            report.Add(UpdateRow(size, rounds), Real, new Cell("not measured (tags are fixed while an agent runs)", double.NaN));
        }
        report.Add(TrafficRow(size), Formula, new Cell("no formula", double.NaN));
    }

    private static void AddResult(Report report, string column, GossipResult result, int rounds)
    {
        var size = result.Members;
        report.Add(DetectionRow(size, rounds), column, Seconds(result.Detection));
        if (result.Catalog is { } catalog)
        {
            report.Add(CatalogRow(size, rounds), column, Seconds(catalog));
        }
        var join = Seconds(result.Join);
        if (result.JoinFromStart is { } fromStart)
        {
            join = join with { Text = Format($"{join.Text} (from the process's start {fromStart.P50:0.00} / {fromStart.Max:0.00} s)") };
        }
        report.Add(JoinRow(size, rounds), column, join);
        if (result.Update is { } update)
        {
            report.Add(UpdateRow(size, rounds), column, Seconds(update));
        }
        report.Add(TrafficRow(size), column, result.Traffic is { } traffic
            ? new Cell(Format($"{traffic.Total:N0} B/s (UDP {traffic.Udp:N0} + TCP {traffic.Tcp:N0}; {traffic.Low:N0}–{traffic.High:N0}; {traffic.Window.TotalSeconds:0} s windows)"), traffic.Total)
            : new Cell($"not measured (no {GossipReal.BytesSentCounter} over OTLP)", double.NaN));
    }

    private static Cell Seconds(Percentiles times) => new(Format($"{times.P50:0.00} / {times.Max:0.00} s"), times.P50);

    private static string DetectionRow(int size, int rounds) => $"N={size}: kill -9 → every other member lists it failed (p50 / max of {rounds})";

    private static string CatalogRow(int size, int rounds) => $"N={size}: kill -9 → serfHealth critical in the server's catalog (p50 / max of {rounds})";

    private static string JoinRow(int size, int rounds) => $"N={size}: new member joins → alive at every other member (p50 / max of {rounds})";

    private static string UpdateRow(int size, int rounds) => $"N={size}: metadata update → at every member (p50 / max of {rounds})";

    private static string TrafficRow(int size) => $"N={size}: gossip bytes sent per member, steady state (mean; low–high)";

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
