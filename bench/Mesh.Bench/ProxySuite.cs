using System.Diagnostics;
using System.Globalization;

namespace Mesh.Bench;

/// <summary>
/// Proxy rows: HTTP GETs from the harness (playing "dashboard") to the "counting" app, directly, through the two
/// Mesh.Sidecar processes of a mesh (mTLS between them) registered with protocol http and then with protocol tcp,
/// and through a pair of haproxy doing the same hop with TLS.
/// </summary>
internal static class ProxySuite
{
    public const int Rate = 1_000;
    public const int Clients = 32;

    private const string Direct = "direct";
    private const string MeshTcp = "mesh-tcp";
    private const string Haproxy = "haproxy";

    /// <summary>
    /// An uncounted closed-loop pass before a column's rows, so that the sidecars' just-in-time compiled code is tiered
    /// up on the paths the rows take, as the datacenter rows do for the agent; haproxy is compiled ahead of time.
    /// </summary>
    private static readonly TimeSpan MaxWarmupPass = TimeSpan.FromSeconds(5);

    /// <summary>/proc reports CPU time in clock ticks of 1/100 s.</summary>
    private const double MicrosecondsPerTick = 10_000;

    private static readonly string FixedRateRow = string.Create(CultureInfo.InvariantCulture, $"GET at {Rate:N0} req/s (open loop): latency");
    private static readonly string AddedRow = string.Create(CultureInfo.InvariantCulture, $"added by the proxy pair at {Rate:N0} req/s (pair − direct)");
    private static readonly string SaturationRow = string.Create(CultureInfo.InvariantCulture, $"GET/s, {Clients} keep-alive clients (closed loop)");
    private static readonly string IdleRow = string.Create(CultureInfo.InvariantCulture, $"memory per idle keep-alive connection ({IdleConnections.Count:N0} open, proxies' RSS growth / N)");

    public static async Task RunAsync(BenchOptions options, Report report, TimeProvider time, CancellationToken cancellationToken)
    {
        await using var app = await CountingApp.StartAsync(cancellationToken).ConfigureAwait(false);
        report.AddColumn(Direct, "direct (no proxy)");
        report.AddColumn(Report.Mesh, "Mesh.Sidecar pair, protocol http (mTLS)");
        report.AddColumn(MeshTcp, "Mesh.Sidecar pair, protocol tcp (mTLS)");
        var direct = await RowsAsync(app.BaseAddress, Direct, null, [], static () => { }, options, report, cancellationToken).ConfigureAwait(false);
        foreach (var (column, protocol) in new[] { (Report.Mesh, "http"), (MeshTcp, "tcp") })
        {
            await using var mesh = await SidecarPair.StartAsync(app.Port, protocol, time, cancellationToken).ConfigureAwait(false);
            await RowsAsync(mesh.BaseAddress, column, direct, mesh.ProxyPids, mesh.EnsureRunning, options, report, cancellationToken).ConfigureAwait(false);
        }
        if (options.SkipPeer)
        {
            return;
        }
        if (HaproxyPair.Binary() is not { } binary)
        {
            Console.WriteLine("haproxy is not installed (apt-get install -y haproxy): the proxy peer is skipped");
            return;
        }
        var version = await HaproxyPair.VersionAsync(binary, cancellationToken).ConfigureAwait(false);
        await using var haproxy = await HaproxyPair.StartAsync(binary, app.Port, time, cancellationToken).ConfigureAwait(false);
        report.AddColumn(Haproxy, $"haproxy {version} pair (TLS, verify required)");
        report.AddRatio(Report.Mesh, Haproxy, "mesh http/haproxy");
        report.AddRatio(MeshTcp, Haproxy, "mesh tcp/haproxy");
        await RowsAsync(haproxy.BaseAddress, Haproxy, direct, haproxy.ProxyPids, haproxy.EnsureRunning, options, report, cancellationToken).ConfigureAwait(false);
    }

    public static IEnumerable<string> Notes(BenchOptions options)
    {
        yield return "mesh http/haproxy and mesh tcp/haproxy are a mesh pair's number divided by the haproxy pair's: below 1 for latency means the mesh pair is faster, above 1 for GET/s means it carries more.";
        yield return "Each GET goes from the harness to the counting app (Kestrel inside the harness, a JSON body of about 40 bytes): direct; through dashboard's Mesh.Sidecar upstream listener (plain), mTLS (TLS 1.3, SPIFFE certificates of the agent's CA, intentions checked) to counting's Mesh.Sidecar, then plain to the app; or through a front haproxy (TCP mode, plain in) opening TLS with a client certificate to a back haproxy that requires and verifies it, then TCP to the app. With protocol http (proxy.config.protocol, as the Aspire demo registers) the sidecars proxy HTTP (YARP, pooled connections, intentions and spans per request); with protocol tcp (Consul's default) they relay bytes like haproxy, one mTLS connection per client connection, intentions checked once per connection, one span per connection.";
        yield return $"Open loop: a request is due every {1000.0 / Rate:0.###} ms and sent then (one pacing thread sleeping with clock_nanosleep) whether or not the earlier ones were answered, over up to 64 keep-alive connections; latency runs from when it was due to its full answer, so stalls are charged to every request they delayed. The added row is the pair's percentile minus the direct one's.";
        yield return $"Closed loop: {Clients} clients, each an HttpClient (SocketsHttpHandler) with one HTTP/1.1 keep-alive connection, sending the next GET once the last was answered. Before each column's rows, one uncounted closed-loop pass of --duration (at most 5 s) lets the sidecars' JIT tier up the hot paths (haproxy is compiled ahead of time); every row then has its own uncounted warm-up of a quarter of its time (at most 1 s); a non-200 or failed request is an error and shown.";
        yield return $"Idle connections: after the closed loop, {IdleConnections.Count:N0} more keep-alive connections each get one GET answered through the pair and stay open; the row is the growth of the two proxies' RSS divided by their number (GC'd memory a runtime keeps counts too).";
        yield return "CPU per request is each process's user+system time over the closed-loop row (its warm-up included), per second, divided by the row's GET/s: the two proxies' sum (mesh: counting's sidecar + dashboard's; haproxy: back + front), and the harness's (load generator and app).";
        yield return $"Everything shares the {Environment.ProcessorCount} cores: the harness (load generator and app), the mesh agent and both sidecars (server GC, their default), or both haproxy processes (threads as haproxy picks them). Each mesh pair (agent and sidecars) is stopped before the next column starts.";
        if (options.SkipPeer)
        {
            yield return "--skip-peer: haproxy was not measured.";
        }
        else if (HaproxyPair.Binary() is null)
        {
            yield return "haproxy is not installed (apt-get install -y haproxy): it was not measured.";
        }
    }

    /// <summary>The rows for one column; returns the fixed-rate latency, which the added row subtracts.</summary>
    private static async Task<Percentiles> RowsAsync(
        Uri target, string column, Percentiles? direct, IReadOnlyList<int> proxies, Action ensureRunning, BenchOptions options, Report report, CancellationToken cancellationToken)
    {
        await ProxyLoad.SaturateAsync(target, Clients, options.Duration < MaxWarmupPass ? options.Duration : MaxWarmupPass, cancellationToken).ConfigureAwait(false);
        var paced = await ProxyLoad.FixedRateAsync(target, Rate, options.Duration, cancellationToken).ConfigureAwait(false);
        ensureRunning();
        Check(column, paced);
        report.Add(FixedRateRow, column, new Cell(
            string.Create(CultureInfo.InvariantCulture, $"p50 {paced.Latency.P50:0.00} ms, p99 {paced.Latency.P99:0.00} ms ({paced.Requests:N0} requests{Errors(paced)})"),
            paced.Latency.P50));
        report.Add(AddedRow, column, direct is null
            ? new Cell("(the baseline)", 0)
            : new Cell(
                string.Create(CultureInfo.InvariantCulture, $"p50 {paced.Latency.P50 - direct.P50:+0.00;-0.00} ms, p99 {paced.Latency.P99 - direct.P99:+0.00;-0.00} ms"),
                paced.Latency.P50 - direct.P50));
        var proxiesBefore = proxies.Select(pid => ProcStats.Read(pid).CpuTicks).ToArray();
        var harnessBefore = Environment.CpuUsage.TotalTime;
        var started = Stopwatch.GetTimestamp();
        var saturated = await ProxyLoad.SaturateAsync(target, Clients, options.Duration, cancellationToken).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var proxyTicks = proxies.Select((pid, i) => ProcStats.Read(pid).CpuTicks - proxiesBefore[i]).ToArray();
        var harness = (Environment.CpuUsage.TotalTime - harnessBefore).TotalMicroseconds;
        ensureRunning();
        Check(column, saturated);
        double PerRequest(double microseconds) => microseconds / seconds / saturated.RequestsPerSecond;
        var cpu = proxies.Count == 0
            ? string.Create(CultureInfo.InvariantCulture, $"harness {PerRequest(harness):0} µs")
            : string.Create(CultureInfo.InvariantCulture,
                $"proxies {PerRequest(proxyTicks.Sum() * MicrosecondsPerTick):0} µs ({string.Join(" + ", proxyTicks.Select(t => PerRequest(t * MicrosecondsPerTick).ToString("0", CultureInfo.InvariantCulture)))}), harness {PerRequest(harness):0} µs");
        report.Add(SaturationRow, column, new Cell(
            string.Create(CultureInfo.InvariantCulture, $"{saturated.RequestsPerSecond:N0} req/s (p50 {saturated.Latency.P50:0.00} ms, p99 {saturated.Latency.P99:0.00} ms{Errors(saturated)}); CPU per request: {cpu}"),
            saturated.RequestsPerSecond));
        if (proxies.Count > 0)
        {
            var idle = await IdleConnections.BytesPerConnectionAsync(target, proxies, cancellationToken).ConfigureAwait(false);
            ensureRunning();
            report.Add(IdleRow, column, new Cell(string.Create(CultureInfo.InvariantCulture, $"{idle / 1024:0.0} KiB"), idle));
        }
        return paced.Latency;
    }

    private static void Check(string column, ProxyResult result)
    {
        if (result.Requests == 0)
        {
            throw new BenchException($"{column}: every GET failed, e.g. {result.FirstError}");
        }
    }

    private static string Errors(ProxyResult result) =>
        result.Errors == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $", {result.Errors:N0} errors e.g. {result.FirstError}");
}
