using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Mesh.Server.Dns;

/// <summary>
/// Relays a query for a name outside the domain to the configured recursors, in order, as Consul does: the
/// first that answers in time wins. UDP queries go out over UDP, TCP queries over TCP.
/// </summary>
internal sealed class DnsForwarder(IReadOnlyList<IPEndPoint> recursors, TimeSpan timeout)
{
    public bool Enabled => recursors.Count > 0;

    /// <summary>The upstream reply, or null when no recursor answered.</summary>
    public async Task<byte[]?> ForwardAsync(ReadOnlyMemory<byte> query, bool tcp, CancellationToken cancellationToken)
    {
        foreach (var recursor in recursors)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            try
            {
                var reply = tcp
                    ? await OverTcpAsync(recursor, query, deadline.Token).ConfigureAwait(false)
                    : await OverUdpAsync(recursor, query, deadline.Token).ConfigureAwait(false);
                if (reply is not null)
                {
                    return reply;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException
                || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // This recursor is down or slow: the next one is asked.
            }
        }
        return null;
    }

    private static async Task<byte[]?> OverUdpAsync(IPEndPoint recursor, ReadOnlyMemory<byte> query, CancellationToken cancellationToken)
    {
        using var socket = new Socket(recursor.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(recursor, cancellationToken).ConfigureAwait(false);
        await socket.SendAsync(query, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[DnsLimits.MaxMessageSize];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            // Only the reply to this query (same ID) counts; anything else on the socket is ignored.
            if (received >= DnsLimits.HeaderSize && buffer.AsSpan(0, 2).SequenceEqual(query.Span[..2]))
            {
                return buffer[..received];
            }
        }
    }

    private static async Task<byte[]?> OverTcpAsync(IPEndPoint recursor, ReadOnlyMemory<byte> query, CancellationToken cancellationToken)
    {
        using var client = new TcpClient(recursor.AddressFamily);
        await client.ConnectAsync(recursor, cancellationToken).ConfigureAwait(false);
        var stream = client.GetStream();
        await DnsTcpFraming.WriteAsync(stream, query, cancellationToken).ConfigureAwait(false);
        return await DnsTcpFraming.ReadAsync(stream, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>DNS over TCP: each message preceded by its length as two bytes (RFC 1035 4.2.2).</summary>
internal static class DnsTcpFraming
{
    /// <summary>The next message, or null at a clean end of the stream.</summary>
    public static async Task<byte[]?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var prefix = new byte[2];
        if (await stream.ReadAtLeastAsync(prefix, 2, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false) < 2)
        {
            return null;
        }
        var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
        await stream.ReadExactlyAsync(message, cancellationToken).ConfigureAwait(false);
        return message;
    }

    public static async Task WriteAsync(Stream stream, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        var framed = new byte[message.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)message.Length);
        message.Span.CopyTo(framed.AsSpan(2));
        await stream.WriteAsync(framed, cancellationToken).ConfigureAwait(false);
    }
}
