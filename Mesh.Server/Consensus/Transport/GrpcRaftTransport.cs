using System.Diagnostics.Metrics;
using Mesh.Server.Consensus.Hosting;
using Mesh.Server.Rpc;

namespace Mesh.Server.Consensus.Transport;

/// <summary>
/// Sends Raft messages over gRPC: one queue and one long-lived stream per peer address (AppendEntries, votes,
/// snapshot chunks and TimeoutNow all travel on it, in order), so a slow or dead peer delays nobody else.
/// Best effort: messages are lost when a peer's queue overflows or a write fails, and the core retries.
/// </summary>
public sealed class GrpcRaftTransport : IRaftTransport, IAsyncDisposable
{
    private readonly ServerConnections _connections = new();
    private readonly Dictionary<string, RaftPeerStream> _peers = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _writeTimeout;
    private readonly RaftTransportMetrics _metrics;

    /// <param name="writeTimeout">How long one write to a peer may take before its stream counts as broken.</param>
    /// <param name="meterFactory">Where the "mesh.raft" meter comes from; without one the transport owns it.</param>
    public GrpcRaftTransport(TimeProvider time, TimeSpan writeTimeout, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(writeTimeout, TimeSpan.Zero);
        _time = time;
        _writeTimeout = writeTimeout;
        _metrics = new RaftTransportMetrics(meterFactory);
    }

    public void Send(string address, RaftMessage message)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        ArgumentNullException.ThrowIfNull(message);
        RaftPeerStream? peer;
        lock (_lock)
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }
            if (!_peers.TryGetValue(address, out peer))
            {
                peer = new RaftPeerStream(_connections.For(address), _time, _writeTimeout, _metrics, _stop.Token);
                _peers.Add(address, peer);
            }
        }
        peer.Enqueue(message);
    }

    public async ValueTask DisposeAsync()
    {
        Task[] senders;
        lock (_lock)
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }
            _stop.Cancel();
            senders = [.. _peers.Values.Select(p => p.Completion)];
        }
        await Task.WhenAll(senders).ConfigureAwait(false);
        _connections.Dispose();
        _metrics.Dispose();
        _stop.Dispose();
    }
}
