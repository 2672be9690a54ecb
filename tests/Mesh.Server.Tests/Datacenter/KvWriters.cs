using System.Diagnostics;

namespace Mesh.Server.Tests.Datacenter;

/// <summary>
/// Concurrent KV clients, each bound to one agent, writing unique keys (the value is the key). A write that
/// fails or is refused is never retried under the same key: the next attempt writes a new one. Only writes the
/// agent answered <c>true</c> are recorded as acknowledged.
/// </summary>
internal sealed class KvWriters : IAsyncDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    // Keeps clients of a dead agent from spinning on refused connections.
    private static readonly TimeSpan FailureBackoff = TimeSpan.FromMilliseconds(20);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<Ack> _acks = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _clients;
    private long _failures;

    private KvWriters(string prefix, IReadOnlyList<DatacenterAgent> targets, int clients)
    {
        _clients = [.. Enumerable.Range(0, clients).Select(c => Task.Run(() => WriteAsync($"{prefix}/{c}", targets[c % targets.Count])))];
    }

    /// <summary>Starts <paramref name="clients"/> writers spread round-robin over <paramref name="targets"/>.</summary>
    public static KvWriters Start(string prefix, IReadOnlyList<DatacenterAgent> targets, int clients) => new(prefix, targets, clients);

    /// <summary>Time on the writers' clock, which every <see cref="Ack"/> is stamped with.</summary>
    public TimeSpan Now => _clock.Elapsed;

    public IReadOnlyList<Ack> Acks
    {
        get
        {
            lock (_acks)
            {
                return [.. _acks];
            }
        }
    }

    public long Failures => Interlocked.Read(ref _failures);

    public Task WaitForAcksAsync(Func<IReadOnlyList<Ack>, bool> enough, string what, TimeSpan deadline) =>
        Poll.UntilAsync(() => Task.FromResult(Acks), acks => enough(acks), what, deadline);

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task WriteAsync(string prefix, DatacenterAgent target)
    {
        for (var n = 0; !_stop.IsCancellationRequested; n++)
        {
            var key = $"{prefix}/{n}";
            var sent = _clock.Elapsed;
            bool acknowledged;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(RequestTimeout);
                acknowledged = await target.PutAsync(key, key, timeout.Token);
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                acknowledged = false;
            }
            if (acknowledged)
            {
                lock (_acks)
                {
                    _acks.Add(new Ack(key, target.Name, sent, _clock.Elapsed));
                }
                continue;
            }
            Interlocked.Increment(ref _failures);
            if (!_stop.IsCancellationRequested)
            {
                await Task.Delay(FailureBackoff, CancellationToken.None);
            }
        }
    }
}

/// <summary>An acknowledged write: its key (also its value), the agent that took it, when it was sent and answered.</summary>
internal sealed record Ack(string Key, string Agent, TimeSpan Sent, TimeSpan Acknowledged);
