namespace Mesh.Bench;

/// <summary>
/// Closed-loop KV load: N clients, each sending its next request as soon as the last one answered, on random keys
/// of <see cref="KvWorkload"/>, for a fixed time after a short warm-up whose requests are not counted.
/// </summary>
internal static class KvLoad
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxWarmup = TimeSpan.FromSeconds(1);

    /// <summary>Writes every key once and checks one read-back, so that reads find values and requests are known good.</summary>
    public static async Task PrepareAsync(IKvTarget target, string name, CancellationToken cancellationToken)
    {
        using var client = BenchHttp.Create(target.BaseAddress, 8, RequestTimeout);
        await Parallel.ForEachAsync(
            Enumerable.Range(0, KvWorkload.KeyCount),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (key, token) =>
            {
                using var response = await client.SendAsync(target.Request(KvOperation.Put, key), token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw new BenchException($"{name} refused a KV write: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(token).ConfigureAwait(false)}");
                }
            }).ConfigureAwait(false);
        using var read = await client.SendAsync(target.Request(KvOperation.Get, 0), cancellationToken).ConfigureAwait(false);
        var body = await read.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!read.IsSuccessStatusCode || !target.HoldsValue(body))
        {
            throw new BenchException($"{name} did not read back the value it was given: HTTP {(int)read.StatusCode} {body}");
        }
    }

    public static Task<KvResult> RunAsync(IKvTarget target, KvOperation operation, int clients, TimeSpan duration, TimeProvider time, CancellationToken cancellationToken) =>
        RunAsync([target], operation, clients, duration, time, cancellationToken);

    /// <summary>The same load spread over several servers: client i sends to <paramref name="targets"/>[i mod their count].</summary>
    public static async Task<KvResult> RunAsync(
        IReadOnlyList<IKvTarget> targets, KvOperation operation, int clients, TimeSpan duration, TimeProvider time, CancellationToken cancellationToken)
    {
        // One connection per client that sends there: clients t, t + n, t + 2n, … of n targets.
        var https = targets.Select((target, t) => BenchHttp.Create(target.BaseAddress, Math.Max(1, (clients - t + targets.Count - 1) / targets.Count), RequestTimeout)).ToList();
        try
        {
            var warmup = duration / 4 < MaxWarmup ? duration / 4 : MaxWarmup;
            var start = time.GetTimestamp();
            var window = new Window(time, start + Ticks(time, warmup), start + Ticks(time, warmup + duration));
            var workers = await Task.WhenAll(Enumerable.Range(0, clients).Select(seed =>
                Task.Run(() => WorkAsync(https[seed % targets.Count], targets[seed % targets.Count], operation, window, seed, cancellationToken), cancellationToken))).ConfigureAwait(false);
            return Result(workers, window, operation, clients, time);
        }
        finally
        {
            https.ForEach(http => http.Dispose());
        }
    }

    private static KvResult Result(Worker[] workers, Window window, KvOperation operation, int clients, TimeProvider time)
    {
        var operations = workers.Sum(w => (long)w.Latencies.Count);
        var seconds = time.GetElapsedTime(window.CountFrom, workers.Max(w => w.LastAnswer)).TotalSeconds;
        var errors = workers.Sum(w => w.Errors);
        var firstError = workers.Select(w => w.FirstError).FirstOrDefault(e => e is not null);
        return new KvResult(operation, clients, operations, operations / seconds, Percentiles.Of(workers.SelectMany(w => w.Latencies)), errors, firstError);
    }

    private static async Task<Worker> WorkAsync(HttpClient client, IKvTarget target, KvOperation operation, Window window, int seed, CancellationToken cancellationToken)
    {
        var random = new Random(seed);
        var worker = new Worker();
        while (true)
        {
            var sent = window.Time.GetTimestamp();
            if (sent >= window.StopAt)
            {
                return worker;
            }
            string? error = null;
            try
            {
                using var request = target.Request(operation, random.Next(KvWorkload.KeyCount));
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
                error = response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
            }
            catch (HttpRequestException e)
            {
                error = e.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                error = $"no answer within {RequestTimeout.TotalSeconds:0} s";
            }
            var answered = window.Time.GetTimestamp();
            worker.LastAnswer = answered;
            if (sent < window.CountFrom)
            {
                continue;
            }
            if (error is null)
            {
                worker.Latencies.Add(window.Time.GetElapsedTime(sent, answered).TotalMilliseconds);
            }
            else
            {
                worker.Errors++;
                worker.FirstError ??= error;
            }
        }
    }

    private static long Ticks(TimeProvider time, TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);

    /// <summary>Requests sent from <see cref="CountFrom"/> count; none is sent from <see cref="StopAt"/>.</summary>
    private sealed record Window(TimeProvider Time, long CountFrom, long StopAt);

    private sealed class Worker
    {
        public List<double> Latencies { get; } = new(4096);

        public long LastAnswer { get; set; }

        public long Errors { get; set; }

        public string? FirstError { get; set; }
    }
}
