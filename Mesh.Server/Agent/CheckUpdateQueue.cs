using System.Threading.Channels;
using Mesh.Server.State;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Agent;

/// <summary>
/// Check results reach the catalog in the order they happened, without making the check runner wait on a write.
/// </summary>
internal sealed class CheckUpdateQueue : IAsyncDisposable
{
    private readonly Channel<Item> _items = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IStateWriter _writer;
    private readonly ILogger _logger;
    private readonly Task _loop;

    public CheckUpdateQueue(IStateWriter writer, ILogger logger)
    {
        _writer = writer;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    public void Enqueue(CheckStatusUpdate update) => _items.Writer.TryWrite(new Item(update, null));

    /// <summary>Completes once everything enqueued before it is written.</summary>
    public Task FlushAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _items.Writer.TryWrite(new Item(null, done)) ? done.Task.WaitAsync(cancellationToken) : Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _items.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        await foreach (var item in _items.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (item.Update is { } update)
            {
                try
                {
                    var result = await _writer.ApplyAsync(update).ConfigureAwait(false);
                    if (result.Error is { } error)
                    {
                        _logger.LogDebug("Check update for {CheckId} not applied: {Error}", update.CheckID, error);
                    }
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // The next anti-entropy sync writes the check's current status again.
                    _logger.LogWarning(ex, "Check update for {CheckId} failed", update.CheckID);
                }
            }
            item.Flushed?.TrySetResult();
        }
    }

    private sealed record Item(CheckStatusUpdate? Update, TaskCompletionSource? Flushed);
}
