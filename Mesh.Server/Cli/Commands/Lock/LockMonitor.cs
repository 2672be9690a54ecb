using Mesh.Server.Cli.Api;

namespace Mesh.Server.Cli.Commands.Lock;

/// <summary>
/// Watches a held lock with blocking reads until the recipe's check says it is no longer held; a failed read is retried
/// <paramref name="retries"/> times a second apart (Consul's MonitorRetries), then the lock counts as lost.
/// The lock and the semaphore recipes both keep one: started when they acquire, stopped when they release.
/// </summary>
internal sealed class LockMonitor(int retries)
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stop = new();

    /// <summary>Completes when the lock is lost (or the watch stopped); already complete before <see cref="Start"/>.</summary>
    public Task Lost { get; private set; } = Task.CompletedTask;

    public void Start(Func<ulong, CancellationToken, Task<(bool Held, ulong Index)>> stillHeld) => Lost = WatchAsync(stillHeld, _stop.Token);

    /// <summary>Stops watching; throws <paramref name="notHeld"/> when the lock was lost before.</summary>
    public async Task StopAsync(string notHeld)
    {
        var lost = Lost.IsCompleted;
        await _stop.CancelAsync();
        if (lost)
        {
            throw new ApiException(notHeld);
        }
    }

    private async Task WatchAsync(Func<ulong, CancellationToken, Task<(bool Held, ulong Index)>> stillHeld, CancellationToken stop)
    {
        ulong index = 0;
        var left = retries;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var (held, next) = await stillHeld(index, stop);
                if (!held)
                {
                    return;
                }
                index = next;
                left = retries;
            }
            catch (ApiException) when (left > 0)
            {
                left--;
                await Task.Delay(RetryAfter, stop);
            }
            catch (ApiException)
            {
                return;
            }
        }
        stop.ThrowIfCancellationRequested();
    }
}
