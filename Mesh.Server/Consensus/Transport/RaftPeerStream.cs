using System.Threading.Channels;
using Grpc.Core;

namespace Mesh.Server.Consensus.Transport;

/// <summary>
/// Everything sent to one peer: a bounded queue (a full one drops its oldest message) and one long-lived
/// client stream, on which each write carries whatever has queued meanwhile, up to a cap. A failed write loses
/// the batch it carried (Raft retries) and the stream is reopened after a backoff; a write that hangs longer than
/// the write timeout counts as failed, so a peer that vanished without a reset cannot stall its queue forever.
/// </summary>
internal sealed class RaftPeerStream
{
    private const int QueueCapacity = 4096;
    private const int MaxBatchMessages = 512;

    /// <summary>Below gRPC's default 4 MB receive limit, with room for one message that alone exceeds it.</summary>
    private const int MaxBatchBytes = 1 << 20;

    private readonly CallInvoker _invoker;
    private readonly TimeProvider _time;
    private readonly TimeSpan _writeTimeout;
    private readonly RaftTransportMetrics _metrics;
    private readonly Channel<RaftMessage> _queue;
    private readonly ReconnectBackoff _backoff = new(Random.Shared);
    private readonly List<RaftMessage> _messages = new(MaxBatchMessages);

    /// <summary>The batch being written; it views <see cref="_messages"/>, refilled before each write.</summary>
    private readonly RaftBatch _batch;

    /// <summary>A message taken from the queue that did not fit in the last batch.</summary>
    private RaftMessage? _held;

    public RaftPeerStream(CallInvoker invoker, TimeProvider time, TimeSpan writeTimeout, RaftTransportMetrics metrics, CancellationToken stop)
    {
        _invoker = invoker;
        _time = time;
        _writeTimeout = writeTimeout;
        _metrics = metrics;
        _batch = new RaftBatch(_messages);
        _queue = Channel.CreateBounded<RaftMessage>(
            new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => metrics.DroppedQueueFull());
        Completion = Task.Run(() => RunAsync(stop));
    }

    /// <summary>Ends once the transport stops.</summary>
    public Task Completion { get; }

    public void Enqueue(RaftMessage message) => _queue.Writer.TryWrite(message);

    private async Task RunAsync(CancellationToken stop)
    {
        try
        {
            while (await HasMessagesAsync(stop).ConfigureAwait(false))
            {
                await StreamAsync(stop).ConfigureAwait(false);
                await Task.Delay(_backoff.Next(), _time, stop).ConfigureAwait(false);
                _metrics.Reconnected();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Opens a stream and writes batches on it until it fails or the peer ends it.</summary>
    private async Task StreamAsync(CancellationToken stop)
    {
        using var timeout = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        using var call = _invoker.AsyncClientStreamingCall(RaftTransportMethods.Stream, null, new CallOptions(cancellationToken: timeout.Token));
        try
        {
            // A peer that answered has ended the stream (it is stopping): reopen before losing a batch to it.
            while (await HasMessagesAsync(stop).ConfigureAwait(false) && !call.ResponseAsync.IsCompleted)
            {
                FillBatch();
                timeout.CancelAfter(_writeTimeout);
                await call.RequestStream.WriteAsync(_batch, stop).ConfigureAwait(false);
                timeout.CancelAfter(Timeout.InfiniteTimeSpan);
                _metrics.Sent(_messages.Count);
                _messages.Clear();
                _backoff.Reset();
            }
        }
        catch (Exception e) when (e is RpcException or IOException or OperationCanceledException)
        {
            // Also how a write ends when the transport stops; the backoff's delay then ends the sender.
            _metrics.DroppedSendFailed(_messages.Count);
            _messages.Clear();
        }
    }

    private ValueTask<bool> HasMessagesAsync(CancellationToken stop) =>
        _held is not null ? ValueTask.FromResult(true) : _queue.Reader.WaitToReadAsync(stop);

    private void FillBatch()
    {
        var bytes = 0;
        while (_messages.Count < MaxBatchMessages && (_held is not null || _queue.Reader.TryRead(out _held)))
        {
            var size = RaftWireCodec.Measure(_held);
            if (_messages.Count > 0 && bytes + size > MaxBatchBytes)
            {
                return;
            }
            _messages.Add(_held);
            _held = null;
            bytes += size;
        }
    }
}
