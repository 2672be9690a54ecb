using System.Buffers.Text;
using System.Text;

namespace Mesh.Bench;

/// <summary>What the watch benchmark needs from an HTTP/1.1 response head: status, body framing and X-Consul-Index.</summary>
internal readonly record struct ResponseHead(int Status, long ContentLength, bool Chunked, ulong ConsulIndex)
{
    /// <summary>Parses a head without its final empty line ("HTTP/1.1 200 OK\r\nName: value\r\n...").</summary>
    public static ResponseHead Parse(ReadOnlySpan<byte> head)
    {
        var lineEnd = head.IndexOf("\r\n"u8);
        var statusLine = lineEnd < 0 ? head : head[..lineEnd];
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || !Utf8Parser.TryParse(statusLine[9..12], out int status, out _))
        {
            throw new IOException("not an HTTP/1.x response");
        }
        long contentLength = -1;
        var chunked = false;
        ulong index = 0;
        var rest = lineEnd < 0 ? [] : head[(lineEnd + 2)..];
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf("\r\n"u8);
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                Utf8Parser.TryParse(value, out contentLength, out _);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                chunked = Ascii.EqualsIgnoreCase(value, "chunked"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "X-Consul-Index"u8))
            {
                Utf8Parser.TryParse(value, out index, out _);
            }
        }
        return new ResponseHead(status, contentLength, chunked, index);
    }
}
