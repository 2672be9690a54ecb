namespace Mesh.Sidecar.Tests.Harness;

/// <summary>Waits on a condition with a deadline, polling, instead of sleeping a fixed time.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!await condition())
        {
            try
            {
                await Task.Delay(20, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"not within {timeout.TotalSeconds} s: {describe()}");
            }
        }
    }
}
