namespace Mesh.Bench;

internal static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <summary>Checks <paramref name="condition"/> until it holds (true) or the timeout passes (false).</summary>
    public static async Task<bool> UntilAsync(Func<bool> condition, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (!condition())
        {
            if (time.GetElapsedTime(started) > timeout)
            {
                return false;
            }
            await Task.Delay(Interval, time, cancellationToken).ConfigureAwait(false);
        }
        return true;
    }
}
