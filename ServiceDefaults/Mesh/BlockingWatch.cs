using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting.Mesh;

/// <summary>
/// Consul's watch loop over one endpoint: each answer whose index moved is handed to <paramref name="onChange"/>;
/// an index that went backwards starts over from 0; a failure waits (growing to 30 s) and tries again.
/// </summary>
internal sealed class BlockingWatch(MeshAgent agent, string path, Action<JsonDocument?> onChange, TimeProvider time, ILogger logger) : IAsyncDisposable
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    /// <summary>Answers once (the caller's first, synchronous view), then follows changes in the background.</summary>
    public async Task<JsonDocument?> StartAsync(CancellationToken cancellationToken)
    {
        var (body, index) = await agent.GetAsync(path, 0, cancellationToken).ConfigureAwait(false);
        _loop = FollowAsync(index, _stop.Token);
        return body;
    }

    /// <summary>Follows changes without a first answer (the agent was not reachable at start).</summary>
    public void StartFollowing() => _loop = FollowAsync(0, _stop.Token);

    private async Task FollowAsync(ulong index, CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var (body, newIndex) = await agent.GetAsync(path, index, cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromSeconds(1);
                if (newIndex == index && index != 0)
                {
                    body?.Dispose();
                    continue;
                }
                index = newIndex < index ? 0 : newIndex;
                onChange(body);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException)
            {
                logger.LogDebug("Mesh watch of {Path} failed, retrying in {Backoff}: {Error}", path, backoff, ex.Message);
                try
                {
                    await Task.Delay(backoff, time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    /// <summary>Ends the watch without waiting for it (for callers that must not block).</summary>
    public void Stop() => _stop.Cancel();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
        _stop.Dispose();
    }
}
