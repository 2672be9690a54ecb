namespace Mesh.Bench;

internal static class WatchAnswers
{
    /// <summary>Awaits every watcher's task; one line naming how many failed or stayed silent if not all succeeded in time.</summary>
    public static async Task<T[]> AllAsync<T>(string what, Task<T>[] watchers, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            return await Task.WhenAll(watchers).WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new BenchException($"{what}: only {watchers.Count(w => w.IsCompletedSuccessfully)} of {watchers.Length} watchers answered within {timeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            throw new BenchException($"{what}: {watchers.Count(w => w.IsFaulted)} of {watchers.Length} watchers failed, e.g. {e.Message}");
        }
    }

    /// <summary>Fails in one line as soon as any watcher has failed, rather than waiting for a condition that cannot come.</summary>
    public static void ThrowIfAnyFailed<T>(string what, Task<T>[] watchers)
    {
        if (watchers.FirstOrDefault(w => w.IsFaulted) is { } failed)
        {
            throw new BenchException($"{what}: {watchers.Count(w => w.IsFaulted)} of {watchers.Length} watchers failed, e.g. {failed.Exception?.InnerException?.Message}");
        }
    }
}
