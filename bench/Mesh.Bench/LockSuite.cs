using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Mesh.Bench;

/// <summary>
/// The lock row: how long a KV lock stays with a holder whose agent died. A holder client agent takes the lock with a
/// session on its node (Consul's defaults: serfHealth, 15 s lock delay); it is killed with kill -9 while a waiter
/// on another client agent keeps trying to acquire. Timed from the kill to the lock's release (the leader saw the
/// node fail and invalidated the session) and to the waiter holding it (the lock delay on top).
/// </summary>
internal static class LockSuite
{
    private const string Column = "mesh";
    private const string Key = "bench/lock";

    private static readonly TimeSpan HandoffTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public static async Task RunAsync(BenchOptions options, Report report, TimeProvider time, CancellationToken cancellationToken)
    {
        report.AddColumn(Column, "mesh, 1 server + 2 client agents (a new holder each round)");
        using var sink = OtlpSink.Start(GossipReal.BytesSentCounter, "transport");
        await using var pool = await GossipPool.StartAsync(2, sink, time, cancellationToken).ConfigureAwait(false);
        var waiter = pool.Live.Single(agent => agent != pool.Server);
        await WaitPassingAsync(pool, waiter, time, cancellationToken).ConfigureAwait(false);
        var waiterSession = await CreateSessionAsync(waiter, cancellationToken).ConfigureAwait(false);

        var released = new List<double>();
        var acquired = new List<double>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            var holder = pool.LaunchClient($"holder{round}");
            await pool.WaitServingAsync(holder, cancellationToken).ConfigureAwait(false);
            await WaitPassingAsync(pool, holder, time, cancellationToken).ConfigureAwait(false);
            var holderSession = await CreateSessionAsync(holder, cancellationToken).ConfigureAwait(false);
            // The previous round's lock delay may still run.
            var waited = time.GetTimestamp();
            while (!await PutAsync(holder, $"/v1/kv/{Key}?acquire={holderSession}", cancellationToken).ConfigureAwait(false))
            {
                if (time.GetElapsedTime(waited) > HandoffTimeout)
                {
                    throw new BenchException($"round {round}: the holder could not take the lock within {HandoffTimeout.TotalSeconds:0} s");
                }
                await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
            }

            var started = time.GetTimestamp();
            GossipPool.Kill(holder);
            TimeSpan? releasedAt = null;
            while (!await PutAsync(waiter, $"/v1/kv/{Key}?acquire={waiterSession}", cancellationToken).ConfigureAwait(false))
            {
                if (releasedAt is null && await SessionOfKeyAsync(pool.Server, cancellationToken).ConfigureAwait(false) is null)
                {
                    releasedAt = time.GetElapsedTime(started);
                }
                if (time.GetElapsedTime(started) > HandoffTimeout)
                {
                    throw new BenchException($"round {round}: the waiter did not get the lock within {HandoffTimeout.TotalSeconds:0} s of the kill");
                }
                await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
            }
            var acquiredAt = time.GetElapsedTime(started);
            released.Add((releasedAt ?? acquiredAt).TotalSeconds);
            acquired.Add(acquiredAt.TotalSeconds);
            Console.WriteLine(Format($"  round {round}: released after {(releasedAt ?? acquiredAt).TotalSeconds:0.00} s, waiter holds it after {acquiredAt.TotalSeconds:0.00} s"));
            await PutAsync(waiter, $"/v1/kv/{Key}?release={waiterSession}", cancellationToken).ConfigureAwait(false);
        }

        report.Add(Row("kill -9 of the holder's agent → lock released (session invalidated)", options.Rounds), Column, Seconds(Percentiles.Of(released)));
        report.Add(Row("kill -9 of the holder's agent → the waiter holds the lock", options.Rounds), Column, Seconds(Percentiles.Of(acquired)));
    }

    public static IEnumerable<string> Notes(BenchOptions options)
    {
        yield return "One `mesh agent -server -bootstrap-expect=1` and client agents (`-retry-join` to it) on 127.0.0.1 with Consul's default (production) gossip timings.";
        yield return Format($"Each of the {options.Rounds} rounds starts a new holder agent, which creates a session with Consul's defaults (its node's serfHealth check, 15 s lock delay) and acquires {Key}; the waiter, on a client agent that stays up, tries ?acquire every 50 ms from the kill on (times are ±50 ms).");
        yield return "Released: the leader marked the holder's serfHealth critical (gossip failure detection), which invalidates the session and releases the lock. Holding: the lock delay (15 s, Consul's default) runs from that invalidation, so the handoff is about detection + 15 s, as in Consul.";
    }

    private static async Task WaitPassingAsync(GossipPool pool, PoolAgent agent, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (await GossipPool.SerfHealthAsync(pool.Server, agent.Node, cancellationToken).ConfigureAwait(false) != "passing")
        {
            agent.Agent.EnsureRunning();
            if (time.GetElapsedTime(started) > HandoffTimeout)
            {
                throw new BenchException($"{agent.Node}'s serfHealth did not pass within {HandoffTimeout.TotalSeconds:0} s");
            }
            await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<string> CreateSessionAsync(PoolAgent agent, CancellationToken cancellationToken)
    {
        using var response = await agent.Agent.Http.PutAsync(new Uri("/v1/session/create", UriKind.Relative), null, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new BenchException($"{agent.Node}: session create failed: {(int)response.StatusCode} {body}");
        }
        return JsonDocument.Parse(body).RootElement.GetProperty("ID").GetString() ?? throw new BenchException($"{agent.Node}: session create answered no ID");
    }

    private static async Task<bool> PutAsync(PoolAgent agent, string path, CancellationToken cancellationToken)
    {
        using var response = await agent.Agent.Http.PutAsync(new Uri(path, UriKind.Relative), null, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode ? body.Trim() == "true" : throw new BenchException($"{agent.Node}: PUT {path} failed: {(int)response.StatusCode} {body}");
    }

    private static async Task<string?> SessionOfKeyAsync(PoolAgent server, CancellationToken cancellationToken)
    {
        var entries = await server.Agent.Http.GetFromJsonAsync<JsonElement>(new Uri($"/v1/kv/{Key}", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        return entries[0].TryGetProperty("Session", out var session) ? session.GetString() : null;
    }

    private static Cell Seconds(Percentiles times) => new(Format($"{times.P50:0.00} / {times.Max:0.00} s"), times.P50);

    private static string Row(string what, int rounds) => $"{what} (p50 / max of {rounds})";

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
