using System.Diagnostics;
using System.Net;

namespace Mesh.Bench;

/// <summary>What a proxy load run measured: answered requests (200 with the body read) and their latency.</summary>
internal sealed record ProxyResult(long Requests, double RequestsPerSecond, Percentiles Latency, long Errors, string? FirstError);

/// <summary>HTTP GET load on one address, either at a fixed rate (open loop) or from keep-alive clients as fast as they can go (closed loop).</summary>
internal static class ProxyLoad
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);
    private static readonly Uri Root = new("/", UriKind.Relative);

    /// <summary>Connections the open loop may open when requests overlap (one is enough while each answers within the interval).</summary>
    private const int OpenLoopConnections = 64;

    /// <summary>
    /// Open loop: request i is due at start + i / <paramref name="rate"/> and is sent then, whether or not earlier ones
    /// were answered; its latency runs from when it was due, so a stall is charged to every request it delayed
    /// (no coordinated omission). After a warm-up (a quarter of the time, at most 1 s) that is not counted.
    /// </summary>
    public static async Task<ProxyResult> FixedRateAsync(Uri target, int rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        MonotonicSleep.EnsureSupported();
        using var client = BenchHttp.Create(target, OpenLoopConnections, RequestTimeout);
        await FixedRateOnceAsync(client, rate, WarmUp(duration), cancellationToken).ConfigureAwait(false);
        return await FixedRateOnceAsync(client, rate, duration, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closed loop: <paramref name="clients"/> clients, each with one keep-alive connection, sending the next GET when the last is answered.</summary>
    public static async Task<ProxyResult> SaturateAsync(Uri target, int clients, TimeSpan duration, CancellationToken cancellationToken)
    {
        var pool = Enumerable.Range(0, clients).Select(_ => BenchHttp.Create(target, 1, RequestTimeout)).ToList();
        try
        {
            await SaturateOnceAsync(pool, WarmUp(duration), cancellationToken).ConfigureAwait(false);
            return await SaturateOnceAsync(pool, duration, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            pool.ForEach(c => c.Dispose());
        }
    }

    private static TimeSpan WarmUp(TimeSpan duration) => TimeSpan.FromTicks(Math.Min(duration.Ticks / 4, TimeSpan.TicksPerSecond));

    private static async Task<ProxyResult> FixedRateOnceAsync(HttpClient client, int rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var count = (int)Math.Max(1, rate * duration.TotalSeconds);
        var interval = Stopwatch.Frequency / rate;
        var outcomes = new Outcome[count];
        var requests = new Task[count];
        var start = Stopwatch.GetTimestamp() + interval;
        // One thread only paces: it sleeps until each request is due and starts it (up to its first wait for I/O).
        await Task.Factory.StartNew(
            () =>
            {
                for (var i = 0; i < count && !cancellationToken.IsCancellationRequested; i++)
                {
                    var due = start + i * interval;
                    MonotonicSleep.Until(due);
                    requests[i] = GetAsync(client, due, outcomes, i, cancellationToken);
                }
            },
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        await Task.WhenAll(requests).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return Summarize(outcomes, elapsed);
    }

    private static async Task<ProxyResult> SaturateOnceAsync(List<HttpClient> pool, TimeSpan duration, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var runs = await Task.WhenAll(pool.Select(client => Task.Run(
            async () =>
            {
                var outcomes = new List<Outcome>();
                while (Stopwatch.GetElapsedTime(start) < duration)
                {
                    var sent = Stopwatch.GetTimestamp();
                    outcomes.Add(await SendAsync(client, sent, cancellationToken).ConfigureAwait(false));
                }
                return outcomes;
            },
            cancellationToken))).ConfigureAwait(false);
        return Summarize([.. runs.SelectMany(r => r)], Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    private static async Task GetAsync(HttpClient client, long due, Outcome[] outcomes, int index, CancellationToken cancellationToken) =>
        outcomes[index] = await SendAsync(client, due, cancellationToken).ConfigureAwait(false);

    /// <summary>One GET with its body read; the latency from <paramref name="since"/>, or the error.</summary>
    private static async Task<Outcome> SendAsync(HttpClient client, long since, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.GetAsync(Root, cancellationToken).ConfigureAwait(false);
            var latency = Stopwatch.GetElapsedTime(since).TotalMilliseconds;
            return response.StatusCode == HttpStatusCode.OK
                ? new Outcome(latency, null)
                : new Outcome(double.NaN, $"HTTP {(int)response.StatusCode}");
        }
        catch (HttpRequestException e)
        {
            return new Outcome(double.NaN, e.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Outcome(double.NaN, $"no answer within {RequestTimeout.TotalSeconds:0} s");
        }
    }

    private static ProxyResult Summarize(Outcome[] outcomes, double seconds)
    {
        var answered = outcomes.Where(o => o.Error is null).Select(o => o.Milliseconds).ToList();
        var errors = outcomes.Where(o => o.Error is not null).ToList();
        return new ProxyResult(answered.Count, answered.Count / seconds, Percentiles.Of(answered), errors.Count, errors.Select(e => e.Error).FirstOrDefault());
    }

    private readonly record struct Outcome(double Milliseconds, string? Error);
}
