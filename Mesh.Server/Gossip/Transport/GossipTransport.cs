using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Mesh.Server.Gossip;

/// <summary>
/// The gossip network: UDP datagrams for probes and gossip, and short TCP exchanges (one request frame, one reply
/// frame, each length-prefixed) for push-pull and the fallback probe, both on one port. Every datagram and frame
/// goes through the <see cref="GossipCipher"/>; what fails to open is dropped and counted, never thrown.
/// </summary>
public sealed class GossipTransport : IAsyncDisposable
{
    /// <summary>At most this many incoming streams are served at once (memberlist's maxPushPullRequests).</summary>
    private const int MaxConcurrentStreams = 128;

    private readonly Socket _udp;
    private readonly TcpListener _tcp;
    private readonly GossipCipher _cipher;
    private readonly GossipOptions _options;
    private readonly IGossipObserver _observer;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _streamSlots = new(MaxConcurrentStreams);
    private readonly List<Task> _loops = [];

    private GossipTransport(Socket udp, TcpListener tcp, GossipCipher cipher, GossipOptions options, IGossipObserver observer)
    {
        _udp = udp;
        _tcp = tcp;
        _cipher = cipher;
        _options = options;
        _observer = observer;
        LocalEndpoint = (IPEndPoint)tcp.LocalEndpoint;
    }

    /// <summary>The bound address and port (UDP and TCP share the port; port 0 picks a free one).</summary>
    public IPEndPoint LocalEndpoint { get; }

    /// <summary>Binds TCP then UDP to the same port; throws <see cref="SocketException"/> when the port is taken.</summary>
    public static GossipTransport Bind(IPAddress address, int port, GossipCipher cipher, GossipOptions options, IGossipObserver observer)
    {
        // With port 0 the TCP port is free but UDP's may not be: try a few.
        for (var attempt = 0; ; attempt++)
        {
            var tcp = new TcpListener(address, port);
            tcp.Start();
            var bound = ((IPEndPoint)tcp.LocalEndpoint).Port;
            var udp = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                udp.Bind(new IPEndPoint(address, bound));
                return new GossipTransport(udp, tcp, cipher, options, observer);
            }
            catch (SocketException) when (port == 0 && attempt < 10)
            {
                udp.Dispose();
                tcp.Stop();
            }
            catch
            {
                udp.Dispose();
                tcp.Stop();
                throw;
            }
        }
    }

    /// <summary>Starts the receive loops; handlers get opened payloads and must not throw.</summary>
    public void Start(Action<byte[], IPEndPoint> onPacket, Func<byte[], IPEndPoint, byte[]?> onStream)
    {
        _loops.Add(Task.Run(() => ReceivePacketsAsync(onPacket)));
        _loops.Add(Task.Run(() => AcceptStreamsAsync(onStream)));
    }

    public void SendPacket(IPEndPoint to, byte[] payload)
    {
        var datagram = _cipher.Seal(payload, EnvelopeKind.Packet);
        try
        {
            _observer.BytesSent("udp", _udp.SendTo(datagram, to));
        }
        catch (SocketException)
        {
            // UDP is best effort: an unreachable member is the failure detector's business.
        }
        catch (ObjectDisposedException)
        {
            // Shutting down.
        }
    }

    /// <summary>Writes one request frame to <paramref name="to"/> over TCP and returns the opened reply frame.</summary>
    public async Task<byte[]> ExchangeAsync(IPEndPoint to, byte[] request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        deadline.CancelAfter(timeout);
        using var client = new TcpClient(to.AddressFamily);
        try
        {
            await client.ConnectAsync(to, deadline.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            await WriteFrameAsync(stream, request, deadline.Token).ConfigureAwait(false);
            var reply = await ReadFrameAsync(stream, deadline.Token).ConfigureAwait(false)
                ?? throw new IOException($"{to} closed the stream without replying");
            return reply;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no reply from {to} within {timeout.TotalSeconds:0.###} s");
        }
    }

    private async Task ReceivePacketsAsync(Action<byte[], IPEndPoint> onPacket)
    {
        var buffer = new byte[65536];
        EndPoint any = new IPEndPoint(_udp.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
        while (!_stopping.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _udp.ReceiveFromAsync(buffer, SocketFlags.None, any, _stopping.Token).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                continue;
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            _observer.BytesReceived("udp", received.ReceivedBytes);
            if (received.ReceivedBytes > _options.MaxPacketSize)
            {
                _observer.PacketDropped(DropReason.Oversized);
                continue;
            }
            var error = _cipher.TryOpen(buffer.AsSpan(0, received.ReceivedBytes), EnvelopeKind.Packet, out var payload);
            if (error is not null)
            {
                _observer.PacketDropped(error.Value);
                continue;
            }
            onPacket(payload, (IPEndPoint)received.RemoteEndPoint);
        }
    }

    private async Task AcceptStreamsAsync(Func<byte[], IPEndPoint, byte[]?> onStream)
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _tcp.AcceptTcpClientAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                continue;
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            if (!_streamSlots.Wait(0))
            {
                client.Dispose();
                continue;
            }
            _ = Task.Run(() => ServeStreamAsync(client, onStream));
        }
    }

    private async Task ServeStreamAsync(TcpClient client, Func<byte[], IPEndPoint, byte[]?> onStream)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        deadline.CancelAfter(_options.StreamTimeout);
        try
        {
            using (client)
            {
                var stream = client.GetStream();
                var request = await ReadFrameAsync(stream, deadline.Token).ConfigureAwait(false);
                if (request is null)
                {
                    return;
                }
                var reply = onStream(request, (IPEndPoint)client.Client.RemoteEndPoint!);
                if (reply is not null)
                {
                    await WriteFrameAsync(stream, reply, deadline.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A peer that hangs up, stalls past the timeout or sends junk costs only its own connection.
        }
        finally
        {
            _streamSlots.Release();
        }
    }

    private async Task WriteFrameAsync(NetworkStream stream, byte[] payload, CancellationToken cancellationToken)
    {
        var envelope = _cipher.Seal(payload, EnvelopeKind.Stream);
        var frame = new byte[4 + envelope.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, envelope.Length);
        envelope.CopyTo(frame, 4);
        await stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        _observer.BytesSent("tcp", frame.Length);
    }

    /// <summary>Reads and opens one frame; null (counted) when it is oversized or does not open, or the peer hung up.</summary>
    private async Task<byte[]?> ReadFrameAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var header = new byte[4];
        try
        {
            await stream.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException)
        {
            return null;
        }
        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (length < 0 || length > _options.MaxStreamSize + GossipCipher.PacketOverhead)
        {
            _observer.PacketDropped(DropReason.Oversized);
            return null;
        }
        var envelope = new byte[length];
        try
        {
            await stream.ReadExactlyAsync(envelope, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException)
        {
            _observer.PacketDropped(DropReason.Truncated);
            return null;
        }
        _observer.BytesReceived("tcp", 4 + length);
        var error = _cipher.TryOpen(envelope, EnvelopeKind.Stream, out var payload);
        if (error is not null)
        {
            _observer.PacketDropped(error.Value);
            return null;
        }
        return payload;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        _tcp.Stop();
        _udp.Dispose();
        // The token source and semaphore stay undisposed: in-flight stream handlers may still touch them.
        await Task.WhenAll(_loops).ConfigureAwait(false);
    }
}
