using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mesh.Sidecar.Tests.Harness;

/// <summary>A plain TCP connection to a local port, reading and writing bytes (and HTTP/1.1 by hand) with deadlines.</summary>
internal sealed class RawClient : IDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    private readonly Socket _socket = new(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    private readonly List<byte> _pending = [];

    public static async Task<RawClient> ConnectAsync(int port)
    {
        var client = new RawClient();
        await client._socket.ConnectAsync(IPAddress.Loopback, port);
        return client;
    }

    public Task SendAsync(string text) => _socket.SendAsync(Encoding.ASCII.GetBytes(text).AsMemory()).AsTask();

    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Everything until the peer closes (half-close included), or what came before a reset.</summary>
    public async Task<string> ReadToEndAsync(TimeSpan? timeout = null)
    {
        while (await FillAsync(timeout ?? ReadTimeout))
        {
        }
        return Take(_pending.Count);
    }

    /// <summary>Exactly <paramref name="length"/> bytes; fewer only if the connection ended first.</summary>
    public async Task<string> ReadAsync(int length)
    {
        while (_pending.Count < length && await FillAsync(ReadTimeout))
        {
        }
        return Take(Math.Min(length, _pending.Count));
    }

    /// <summary>One HTTP/1.1 GET on this connection (keep-alive) and its response: status line, headers and Content-Length body.</summary>
    public async Task<(int Status, string Headers, string Body)> GetAsync(string path, string extraHeaders = "")
    {
        await SendAsync($"GET {path} HTTP/1.1\r\nHost: counting\r\n{extraHeaders}\r\n");
        int end;
        while ((end = IndexOfHeadEnd()) < 0)
        {
            if (!await FillAsync(ReadTimeout))
            {
                throw new IOException($"the connection ended before a response head: {Take(_pending.Count)}");
            }
        }
        var head = Take(end + 4);
        var headers = head.Split("\r\n").Select(l => l.Split(':', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var body = headers.TryGetValue("Content-Length", out var length)
            ? await ReadAsync(int.Parse(length, CultureInfo.InvariantCulture))
            : await ReadChunkedAsync();
        return (int.Parse(head.Split(' ')[1], CultureInfo.InvariantCulture), head, body);
    }

    /// <summary>Whether the peer closed the connection within <paramref name="timeout"/> (end of stream or reset), discarding data.</summary>
    public async Task<bool> ClosedWithinAsync(TimeSpan timeout)
    {
        try
        {
            while (await FillAsync(timeout))
            {
            }
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public void Dispose() => _socket.Dispose();

    private async Task<string> ReadChunkedAsync()
    {
        var body = new StringBuilder();
        while (true)
        {
            var size = Convert.ToInt32((await ReadLineAsync()).Split(';')[0], 16);
            if (size == 0)
            {
                await ReadLineAsync();
                return body.ToString();
            }
            body.Append(await ReadAsync(size));
            await ReadLineAsync();
        }
    }

    private async Task<string> ReadLineAsync()
    {
        int end;
        while ((end = IndexOf("\r\n"u8)) < 0)
        {
            if (!await FillAsync(ReadTimeout))
            {
                throw new IOException("the connection ended inside a chunked body");
            }
        }
        var line = Take(end);
        Take(2);
        return line;
    }

    /// <returns>False at the end of the stream or a reset.</returns>
    private async Task<bool> FillAsync(TimeSpan timeout)
    {
        var buffer = new byte[8192];
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            var read = await _socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
            _pending.AddRange(buffer.AsSpan(0, read));
            return read > 0;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"nothing read within {timeout.TotalSeconds} s");
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private int IndexOfHeadEnd() => IndexOf("\r\n\r\n"u8);

    private int IndexOf(ReadOnlySpan<byte> value) => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pending).IndexOf(value);

    private string Take(int count)
    {
        var text = Encoding.ASCII.GetString([.. _pending.Take(count)]);
        _pending.RemoveRange(0, count);
        return text;
    }
}
