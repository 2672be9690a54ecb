using Mesh.Server.Cli.Api;

namespace Mesh.Server.Cli.Commands.Lock;

/// <summary>
/// Watches a held lock with blocking reads until <paramref name="stillHeld"/> says no; a failed read is retried
/// <paramref name="retries"/> times a second apart (Consul's MonitorRetries), then the lock counts as lost.
/// </summary>
internal static class LockMonitor
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    public static async Task WatchAsync(Func<ulong, CancellationToken, Task<(bool Held, ulong Index)>> stillHeld, int retries, CancellationToken stop)
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
