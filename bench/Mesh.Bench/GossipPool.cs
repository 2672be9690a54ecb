using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Mesh.Bench;

/// <summary>
/// A LAN pool of real agents on loopback with Consul's default (production) gossip timings: one server
/// (<c>-server -bootstrap-expect=1</c>) and client agents that <c>-retry-join</c> it, each on its own free ports with
/// its own data directory, each exporting its metrics to the harness's OTLP receiver every second.
/// </summary>
internal sealed class GossipPool : IAsyncDisposable
{
    public const int StatusAlive = 1;
    public const int StatusFailed = 4;

    private static readonly TimeSpan ConvergeTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly OtlpSink _sink;
    private readonly TimeProvider _time;
    private readonly List<PoolAgent> _agents = [];

    private GossipPool(OtlpSink sink, TimeProvider time)
    {
        _sink = sink;
        _time = time;
    }

    public PoolAgent Server => _agents[0];

    public IEnumerable<PoolAgent> Live => _agents.Where(agent => agent.Up);

    /// <summary>Starts the server, then <paramref name="size"/> − 1 clients at once, and waits until everyone lists everyone alive.</summary>
    public static async Task<GossipPool> StartAsync(int size, OtlpSink sink, TimeProvider time, CancellationToken cancellationToken)
    {
        var pool = new GossipPool(sink, time);
        try
        {
            var server = pool.LaunchServer("s1");
            // Ready once it has elected itself: the leader's address, not "".
            await server.Agent.WaitReadyAsync(
                async token => (await server.Agent.Http.GetStringAsync(new Uri("/v1/status/leader", UriKind.Relative), token).ConfigureAwait(false)).Trim().Length > 2,
                time, cancellationToken).ConfigureAwait(false);
            var clients = Enumerable.Range(1, size - 1).Select(i => pool.LaunchClient($"c{i}")).ToList();
            await Task.WhenAll(clients.Select(client => pool.WaitServingAsync(client, cancellationToken))).ConfigureAwait(false);
            await pool.AwaitConvergedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await pool.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return pool;
    }

    /// <summary>Starts client agent <paramref name="node"/> joining the server, and returns at once.</summary>
    public PoolAgent LaunchClient(string node) => Launch(node, scratch => ["-node=" + node, "-bind=127.0.0.1", "-data-dir=" + scratch.FullName, $"-retry-join=127.0.0.1:{Server.SerfPort}"]);

    /// <summary>Waits until <paramref name="agent"/>'s HTTP API answers.</summary>
    public Task WaitServingAsync(PoolAgent agent, CancellationToken cancellationToken) =>
        agent.Agent.WaitReadyAsync(async token => (await MembersAsync(agent, token).ConfigureAwait(false)) is not null, _time, cancellationToken);

    /// <summary>Waits until every live agent lists every live agent alive.</summary>
    public async Task AwaitConvergedAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            var live = Live.ToList();
            var views = await Task.WhenAll(live.Select(agent => MembersAsync(agent, cancellationToken))).ConfigureAwait(false);
            if (views.All(view => view is not null && live.All(member => view.GetValueOrDefault(member.Node) == StatusAlive)))
            {
                return;
            }
            EnsureRunning();
            if (_time.GetElapsedTime(started) > ConvergeTimeout)
            {
                var missing = live.Zip(views).Select(pair => $"{pair.First.Node} sees {pair.Second?.Count(m => m.Value == StatusAlive) ?? 0} alive");
                throw new BenchException($"the gossip pool of {live.Count} did not converge within {ConvergeTimeout.TotalSeconds:0} s: {string.Join(", ", missing)}");
            }
            await Task.Delay(PollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>kill -9 of <paramref name="agent"/>: it leaves no word.</summary>
    public static void Kill(PoolAgent agent)
    {
        agent.Agent.Kill();
        agent.Up = false;
    }

    /// <summary>
    /// Polls until <paramref name="observe"/> has reported a time for every observer, or throws after
    /// <paramref name="timeout"/> naming <paramref name="what"/>. Each observer is asked every 50 ms; the time is when its answer arrived.
    /// </summary>
    public async Task<Dictionary<PoolAgent, TimeSpan>> TimeEachAsync(
        IReadOnlyList<PoolAgent> observers, Func<PoolAgent, CancellationToken, Task<bool>> observe, long started, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var seen = new Dictionary<PoolAgent, TimeSpan>();
        while (seen.Count < observers.Count)
        {
            var pending = observers.Where(observer => !seen.ContainsKey(observer)).ToList();
            var answers = await Task.WhenAll(pending.Select(async observer =>
                (Observer: observer, Yes: await observe(observer, cancellationToken).ConfigureAwait(false), At: _time.GetElapsedTime(started)))).ConfigureAwait(false);
            foreach (var answer in answers.Where(answer => answer.Yes))
            {
                seen[answer.Observer] = answer.At;
            }
            EnsureRunning();
            if (_time.GetElapsedTime(started) > timeout)
            {
                throw new BenchException($"{what}: not seen by {string.Join(", ", observers.Where(o => !seen.ContainsKey(o)).Select(o => o.Node))} within {timeout.TotalSeconds:0} s");
            }
            await Task.Delay(PollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
        return seen;
    }

    /// <summary><paramref name="agent"/>'s /v1/agent/members as node → Status; null if it did not answer in time.</summary>
    public static async Task<Dictionary<string, int>?> MembersAsync(PoolAgent agent, CancellationToken cancellationToken)
    {
        var members = await GetJsonAsync(agent, "/v1/agent/members", cancellationToken).ConfigureAwait(false);
        return members?.EnumerateArray().ToDictionary(m => m.GetProperty("Name").GetString() ?? "", m => m.GetProperty("Status").GetInt32());
    }

    /// <summary>The status of <paramref name="node"/>'s serfHealth check in <paramref name="agent"/>'s catalog view, if it answered.</summary>
    public static async Task<string?> SerfHealthAsync(PoolAgent agent, string node, CancellationToken cancellationToken)
    {
        var checks = await GetJsonAsync(agent, $"/v1/health/node/{node}", cancellationToken).ConfigureAwait(false);
        return checks?.EnumerateArray()
            .Where(check => check.GetProperty("CheckID").GetString() == "serfHealth")
            .Select(check => check.GetProperty("Status").GetString())
            .FirstOrDefault();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.Agent.DisposeAsync().ConfigureAwait(false);
        }
    }

    private PoolAgent LaunchServer(string node) =>
        Launch(node, scratch => ["-server", "-bootstrap-expect=1", "-node=" + node, "-bind=127.0.0.1", "-data-dir=" + scratch.FullName]);

    private PoolAgent Launch(string node, Func<DirectoryInfo, IEnumerable<string>> flags)
    {
        var http = FreePort.Next();
        var server = FreePort.Next();
        var serf = FreePort.Next();
        var environment = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = _sink.EndpointFor(node),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
            // Only the metrics are wanted: no spans for the harness's polling.
            ["OTEL_TRACES_SAMPLER"] = "always_off",
        };
        var process = AgentProcess.Launch($"mesh agent {node}", scratch =>
            [.. flags(scratch), "-http-port", Text(http), "-server-port", Text(server), "-serf-lan-port", Text(serf), "-dns-port", "-1", "-log-level", "warn"],
            http, environment);
        var agent = new PoolAgent(node, process, serf);
        _agents.Add(agent);
        return agent;
    }

    private void EnsureRunning()
    {
        foreach (var agent in Live)
        {
            agent.Agent.EnsureRunning();
        }
    }

    private static async Task<JsonElement?> GetJsonAsync(PoolAgent agent, string path, CancellationToken cancellationToken)
    {
        try
        {
            return await agent.Agent.Http.GetFromJsonAsync<JsonElement>(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null; // Timed out: counts as not yet.
        }
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
