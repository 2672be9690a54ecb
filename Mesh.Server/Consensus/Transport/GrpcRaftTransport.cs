using System.Threading.Channels;
using Grpc.Core;
using Mesh.Server.Consensus.Hosting;
using Mesh.Server.Rpc;

namespace Mesh.Server.Consensus.Transport;

/// <summary>
/// Sends Raft messages over gRPC: one queue and one sender per peer address, which ships whatever has queued
/// up as one call, so a slow or dead peer delays nobody else. Best effort: a failed call's messages are dropped
/// (the core retries), and a full queue drops its oldest message.
/// </summary>
public sealed class GrpcRaftTransport : IRaftTransport, IAsyncDisposable
{
    private const int QueueCapacity = 4096;
    private const int MaxBatch = 256;

    private readonly ServerConnections _connections = new();
    private readonly Dictionary<string, Peer> _peers = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _callTimeout;

    /// <param name="callTimeout">How long one delivery may take before its messages count as lost.</param>
    public GrpcRaftTransport(TimeProvider time, TimeSpan callTimeout)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _callTimeout = callTimeout;
    }

    private sealed record Peer(Channel<RaftMessage> Queue, Task Sender);

    public void Send(string address, RaftMessage message)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        ArgumentNullException.ThrowIfNull(message);
        Peer? peer;
        lock (_lock)
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }
            if (!_peers.TryGetValue(address, out peer))
            {
                peer = Open(address);
                _peers.Add(address, peer);
            }
        }
        peer.Queue.Writer.TryWrite(message);
    }

    private Peer Open(string address)
    {
        var queue = Channel.CreateBounded<RaftMessage>(new BoundedChannelOptions(QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        return new Peer(queue, Task.Run(() => RunSenderAsync(address, queue.Reader)));
    }

    private async Task RunSenderAsync(string address, ChannelReader<RaftMessage> queue)
    {
        var invoker = _connections.For(address);
        var batch = new List<RaftMessage>(MaxBatch);
        try
        {
            while (await queue.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                while (batch.Count < MaxBatch && queue.TryRead(out var message))
                {
                    batch.Add(message);
                }
                try
                {
                    var options = new CallOptions(deadline: _time.GetUtcNow().UtcDateTime + _callTimeout, cancellationToken: _stop.Token);
                    await invoker.AsyncUnaryCall(RaftTransportMethods.Deliver, null, options, new RaftBatch(batch.ToArray()))
                        .ResponseAsync.ConfigureAwait(false);
                }
                catch (RpcException)
                {
                    // The peer is down or slow: these messages are lost, which Raft tolerates.
                }
                batch.Clear();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task[] senders;
        lock (_lock)
        {
            _stop.Cancel();
            senders = [.. _peers.Values.Select(p => p.Sender)];
        }
        await Task.WhenAll(senders).ConfigureAwait(false);
        _connections.Dispose();
        _stop.Dispose();
    }
}
