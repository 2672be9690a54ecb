using System.Buffers;
using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;

namespace Mesh.Bench;

/// <summary>
/// A bare HTTP/1.1 client connection for the watch benchmark. Ten thousand of them must stay cheap, and the harness
/// must know exactly when each request has left (HttpClient does not say), so it writes requests itself and reads
/// just enough of each response: the head, then a Content-Length or chunked body, whole or line by line.
/// </summary>
internal sealed class RawHttpConnection : IDisposable
{
    private const int BufferSize = 2048;
    private const int ConnectParallelism = 128;

    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[BufferSize];
    private readonly ArrayBufferWriter<byte> _line = new(512);
    private int _start;
    private int _end;
    private bool _chunked;
    private long _left;          // body bytes left (Content-Length) or left in the current chunk
    private bool _chunkTrailer;  // the CRLF after a chunk's data is still to read
    private bool _bodyDone = true;

    private RawHttpConnection(Socket socket) => _socket = socket;

    /// <summary>Opens <paramref name="count"/> connections, a bounded number at a time so the listen backlog never overflows.</summary>
    public static async Task<RawHttpConnection[]> ConnectManyAsync(IPEndPoint endpoint, int count, CancellationToken cancellationToken)
    {
        var connections = new RawHttpConnection?[count];
        try
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, count),
                new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = cancellationToken },
                async (i, token) => connections[i] = await ConnectAsync(endpoint, token).ConfigureAwait(false)).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            var opened = connections.Count(c => c is not null);
            DisposeAll(connections);
            throw new BenchException($"could open only {opened} of {count} connections to {endpoint}: {e.Message}");
        }
        catch
        {
            DisposeAll(connections);
            throw;
        }
        return [.. connections.Select(c => c!)];
    }

    public static void DisposeAll(IEnumerable<RawHttpConnection?> connections)
    {
        foreach (var connection in connections)
        {
            connection?.Dispose();
        }
    }

    public async Task SendAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        while (!request.IsEmpty)
        {
            var sent = await _socket.SendAsync(request, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            request = request[sent..];
        }
    }

    /// <summary>Reads a response's head; its body must then be read with <see cref="SkipBodyAsync"/> or <see cref="ReadLineAsync"/>.</summary>
    public async Task<ResponseHead> ReadHeadAsync(CancellationToken cancellationToken)
    {
        if (!_bodyDone)
        {
            throw new InvalidOperationException("the previous response's body is unread");
        }
        int end;
        while ((end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0)
        {
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
        var head = ResponseHead.Parse(_buffer.AsSpan(_start, end + 2));
        _start += end + 4;
        _chunked = head.Chunked;
        _left = head.Chunked ? 0 : head.ContentLength;
        _chunkTrailer = false;
        _bodyDone = !head.Chunked && head.ContentLength <= 0;
        if (!head.Chunked && head.ContentLength < 0)
        {
            throw new IOException("a response with neither Content-Length nor chunked encoding");
        }
        return head;
    }

    public async Task SkipBodyAsync(CancellationToken cancellationToken)
    {
        int available;
        while ((available = await BodyBufferedAsync(cancellationToken).ConfigureAwait(false)) > 0)
        {
            Consume(available);
        }
    }

    /// <summary>The body's next newline-terminated line (without the newline), valid until the next read; empty at its end.</summary>
    public async Task<ReadOnlyMemory<byte>> ReadLineAsync(CancellationToken cancellationToken)
    {
        _line.ResetWrittenCount();
        int available;
        while ((available = await BodyBufferedAsync(cancellationToken).ConfigureAwait(false)) > 0)
        {
            var piece = _buffer.AsSpan(_start, available);
            var newline = piece.IndexOf((byte)'\n');
            _line.Write(newline < 0 ? piece : piece[..newline]);
            Consume(newline < 0 ? available : newline + 1);
            if (newline >= 0)
            {
                return _line.WrittenMemory;
            }
        }
        return _line.WrittenMemory;
    }

    public void Dispose() => _socket.Dispose();

    private static async Task<RawHttpConnection> ConnectAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new RawHttpConnection(socket);
    }

    /// <summary>How many body bytes are buffered at the read position (reading a chunk header first if due); 0 at the body's end.</summary>
    private async ValueTask<int> BodyBufferedAsync(CancellationToken cancellationToken)
    {
        if (_bodyDone)
        {
            return 0;
        }
        if (_chunked && _left == 0)
        {
            if (_chunkTrailer)
            {
                await ReadLineRawAsync(cancellationToken).ConfigureAwait(false);
                _chunkTrailer = false;
            }
            var sizeLine = await ReadLineRawAsync(cancellationToken).ConfigureAwait(false);
            if (!Utf8Parser.TryParse(sizeLine.Span, out long size, out _, 'X'))
            {
                throw new IOException("a malformed chunk size");
            }
            if (size == 0)
            {
                // Trailers, up to the empty line that ends the message.
                while ((await ReadLineRawAsync(cancellationToken).ConfigureAwait(false)).Length > 0)
                {
                }
                _bodyDone = true;
                return 0;
            }
            _left = size;
            _chunkTrailer = true;
        }
        if (_end == _start)
        {
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
        return (int)Math.Min(_end - _start, _left);
    }

    private void Consume(int count)
    {
        _start += count;
        _left -= count;
        if (!_chunked && _left == 0)
        {
            _bodyDone = true;
        }
    }

    /// <summary>The next CRLF-terminated line of the raw stream, consumed; valid until the buffer is next filled.</summary>
    private async ValueTask<ReadOnlyMemory<byte>> ReadLineRawAsync(CancellationToken cancellationToken)
    {
        int end;
        while ((end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0)
        {
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
        var line = _buffer.AsMemory(_start, end);
        _start += end + 2;
        return line;
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            throw new IOException($"a response line longer than {BufferSize} bytes");
        }
        var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            throw new IOException("the server closed the connection");
        }
        _end += read;
    }
}
