using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using Mesh.Sidecar.Telemetry;

namespace Mesh.Sidecar.Listeners;

/// <summary>One side of a relay: the stream bytes are read from and written to, and the socket under it if at hand.</summary>
public sealed record RelayEnd(Stream Stream, Socket? Socket)
{
    /// <summary>Closes this side at once; a pending read or write on it fails.</summary>
    public void Abort()
    {
        if (Socket is null)
        {
            Stream.Dispose();
        }
        else
        {
            Socket.Dispose();
        }
    }

    /// <summary>Ends this side's sending half only: a TLS close_notify, or a TCP FIN; reading goes on.</summary>
    public async ValueTask ShutdownSendAsync()
    {
        if (Stream is SslStream ssl)
        {
            await ssl.ShutdownAsync();
        }
        else
        {
            Socket?.Shutdown(SocketShutdown.Send);
        }
    }
}

/// <summary>
/// Copies bytes both ways between two connected ends. Each direction ends at its source's end of stream by
/// ending the other side's sending half (half-close), so a client that shuts down its writes still reads the
/// answer; the relay ends when both directions have. A failure in either direction closes both ends.
/// </summary>
public static class ByteRelay
{
    private const int BufferSize = 16 * 1024;

    public static Task RunAsync(RelayEnd a, RelayEnd b, string direction)
    {
        var tag = new KeyValuePair<string, object?>("direction", direction);
        return Task.WhenAll(CopyAsync(a, b, tag), CopyAsync(b, a, tag));
    }

    /// <summary>
    /// Waits for bytes with a zero-byte read and only then rents a buffer (both sockets and SslStream support it, as
    /// Kestrel relies on): an idle connection holds no buffer, where one per direction for its life cost the pair
    /// more memory per idle connection than haproxy's.
    /// </summary>
    private static async Task CopyAsync(RelayEnd from, RelayEnd to, KeyValuePair<string, object?> tag)
    {
        try
        {
            while (true)
            {
                _ = await from.Stream.ReadAsync(Memory<byte>.Empty);
                var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
                try
                {
                    var read = await from.Stream.ReadAsync(buffer);
                    if (read == 0)
                    {
                        break;
                    }
                    await to.Stream.WriteAsync(buffer.AsMemory(0, read));
                    ProxyTelemetry.Bytes.Add(read, tag);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
            await to.ShutdownSendAsync();
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // A reset or an abort: the connection is over both ways.
            from.Abort();
            to.Abort();
        }
    }
}
