using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Dns;

/// <summary>DNS over TCP: any number of length-prefixed queries per connection, answered in order.</summary>
internal sealed partial class DnsServer
{
    private async Task AcceptTcpAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException && cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                // The client reset the connection before it was accepted.
                continue;
            }
            _ = ServeTcpAsync(client, cancellationToken);
        }
    }

    private async Task ServeTcpAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using (client)
        {
            var stream = client.GetStream();
            try
            {
                while (true)
                {
                    using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    idle.CancelAfter(TcpIdleTimeout);
                    if (await DnsTcpFraming.ReadAsync(stream, idle.Token).ConfigureAwait(false) is not { } packet)
                    {
                        return;
                    }
                    // A malformed query ends the connection: the stream can no longer be trusted to be in step.
                    if (await handler.AnswerAsync(packet, udp: false, cancellationToken).ConfigureAwait(false) is not { } reply)
                    {
                        return;
                    }
                    await DnsTcpFraming.WriteAsync(stream, reply, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or EndOfStreamException)
            {
                // The client went away, idled out, or the agent is stopping.
            }
            catch (Exception ex)
            {
                LogAnswerFailed(ex, client.Client.RemoteEndPoint?.ToString() ?? "");
            }
        }
    }
}
