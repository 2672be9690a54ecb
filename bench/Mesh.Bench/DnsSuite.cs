using System.Globalization;
using System.Net;
using System.Net.Http.Json;

namespace Mesh.Bench;

/// <summary>
/// DNS rows: A queries per second for a service of <see cref="Instances"/> instances at <see cref="Clients"/> concurrent
/// UDP clients, against the mesh agent's DNS interface, then against dnsmasq serving the same records from a hosts file.
/// </summary>
internal static class DnsSuite
{
    public const int Clients = 64;
    public const int Instances = 3;
    private const string Name = "bench.service.consul";
    private const string Dnsmasq = "dnsmasq";

    private static readonly string[] Addresses = [.. Enumerable.Range(1, Instances).Select(i => $"10.0.0.{i}")];

    public static async Task RunAsync(BenchOptions options, Report report, TimeProvider time, CancellationToken cancellationToken)
    {
        await using (var agent = await StartAgentAsync(time, cancellationToken).ConfigureAwait(false))
        {
            Columns.AddMesh(report);
            await RowAsync(agent.Dns, Report.Mesh, agent.Agent.EnsureRunning, options, report, cancellationToken).ConfigureAwait(false);
        }
        if (options.SkipPeer)
        {
            return;
        }
        if (DnsmasqProcess.Binary() is not { } binary)
        {
            Console.WriteLine("dnsmasq is not installed (apt-get install -y dnsmasq): the DNS peer is skipped");
            return;
        }
        await using var dnsmasq = DnsmasqProcess.Start(binary, Name, Addresses);
        await WaitAnswersAsync(dnsmasq.Endpoint, dnsmasq.EnsureRunning, cancellationToken).ConfigureAwait(false);
        report.AddColumn(Dnsmasq, "dnsmasq (static hosts file)");
        report.AddRatio(Report.Mesh, Dnsmasq, "mesh/dnsmasq");
        await RowAsync(dnsmasq.Endpoint, Dnsmasq, dnsmasq.EnsureRunning, options, report, cancellationToken).ConfigureAwait(false);
    }

    public static IEnumerable<string> Notes(BenchOptions options)
    {
        yield return "mesh/dnsmasq is mesh's queries/s divided by dnsmasq's: above 1 means the mesh agent answers faster.";
        yield return $"Each query is `{Name}` type A over UDP without EDNS0, answered with {Instances} A records (mesh: {Instances} healthy instances in the catalog of a dev agent; dnsmasq: the same names in a hosts file it serves, nothing else). Closed loop: each of {Clients} clients has its own socket and sends its next query once the last was answered; a reply missing after 1 s counts as an error.";
        yield return $"Servers and the load generator share the {Environment.ProcessorCount} cores; dnsmasq is single-threaded.";
        if (options.SkipPeer)
        {
            yield return "--skip-peer: dnsmasq was not measured.";
        }
    }

    private static async Task RowAsync(IPEndPoint server, string column, Action ensureRunning, BenchOptions options, Report report, CancellationToken cancellationToken)
    {
        var result = await DnsLoad.RunAsync(server, Name, Instances, Clients, options.Duration, cancellationToken).ConfigureAwait(false);
        ensureRunning();
        if (result.Queries == 0)
        {
            throw new BenchException($"{column}: every DNS query failed, e.g. {result.FirstError}");
        }
        var errors = result.Errors == 0 ? "" : $", {result.Errors} errors e.g. {result.FirstError}";
        report.Add($"DNS A queries/s, {Clients} clients", column, new Cell(
            string.Create(CultureInfo.InvariantCulture, $"{result.QueriesPerSecond:N0} q/s (p50 {result.Latency.P50:0.00} ms, p99 {result.Latency.P99:0.00} ms{errors})"),
            result.QueriesPerSecond));
    }

    private static async Task<DnsAgent> StartAgentAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        var http = FreePort.Next();
        var dns = FreePort.Next();
        var agent = AgentProcess.Launch(
            "the mesh agent",
            _ => ["-dev", "-http-port", Text(http), "-dns-port", Text(dns), "-log-level", "warn"],
            http);
        try
        {
            await agent.WaitReadyAsync(
                async token => (await agent.Http.GetStringAsync(new Uri("/v1/status/leader", UriKind.Relative), token).ConfigureAwait(false)).Trim().Length > 2,
                time,
                cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < Instances; i++)
            {
                using var response = await agent.Http.PutAsJsonAsync(
                    new Uri("/v1/agent/service/register", UriKind.Relative),
                    new { ID = $"bench-{i + 1}", Name = "bench", Port = 8080, Address = Addresses[i] },
                    cancellationToken).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
            }
            var endpoint = new IPEndPoint(IPAddress.Loopback, dns);
            await WaitAnswersAsync(endpoint, agent.EnsureRunning, cancellationToken).ConfigureAwait(false);
            return new DnsAgent(agent, endpoint);
        }
        catch
        {
            await agent.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Until the server answers the benchmark's query in full (a short load run of one client), at most 30 s.</summary>
    private static async Task WaitAnswersAsync(IPEndPoint server, Action ensureRunning, CancellationToken cancellationToken)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            ensureRunning();
            var probe = await DnsLoad.RunAsync(server, Name, Instances, 1, TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
            if (probe.Queries > 0)
            {
                return;
            }
        }
        throw new BenchException($"the DNS server on {server} did not answer {Name} with {Instances} records within 30 s");
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);

    private sealed record DnsAgent(AgentProcess Agent, IPEndPoint Dns) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Agent.DisposeAsync();
    }
}
