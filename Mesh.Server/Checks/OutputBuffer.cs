using System.Text;

namespace Mesh.Server.Checks;

/// <summary>
/// Keeps the last <c>capacity</c> bytes written and counts all of them, like the circular buffer Consul captures
/// check output in. Safe for stdout and stderr writing at once.
/// </summary>
internal sealed class OutputBuffer(int capacity)
{
    private readonly Lock _gate = new();
    private readonly byte[] _ring = new byte[capacity];
    private long _total;

    public long TotalWritten
    {
        get
        {
            lock (_gate)
            {
                return _total;
            }
        }
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            _total += data.Length;
            if (data.Length > _ring.Length)
            {
                data = data[^_ring.Length..];
            }
            // Byte number n of the whole output lives at n % capacity.
            var start = (int)((_total - data.Length) % _ring.Length);
            var first = Math.Min(data.Length, _ring.Length - start);
            data[..first].CopyTo(_ring.AsSpan(start));
            data[first..].CopyTo(_ring);
        }
    }

    /// <summary>The kept bytes, oldest first, as UTF-8 text.</summary>
    public override string ToString()
    {
        lock (_gate)
        {
            return KeptText();
        }
    }

    /// <summary>The text, prefixed as Consul's script checks do when output was cut.</summary>
    public string ToCapturedString()
    {
        lock (_gate)
        {
            return _total > _ring.Length ? $"Captured {_ring.Length} of {_total} bytes\n...\n{KeptText()}" : KeptText();
        }
    }

    private string KeptText()
    {
        if (_total <= _ring.Length)
        {
            return Encoding.UTF8.GetString(_ring, 0, (int)_total);
        }
        var start = (int)(_total % _ring.Length);
        var ordered = new byte[_ring.Length];
        _ring.AsSpan(start).CopyTo(ordered);
        _ring.AsSpan(0, start).CopyTo(ordered.AsSpan(_ring.Length - start));
        return Encoding.UTF8.GetString(ordered);
    }

    public async Task CopyFromAsync(Stream source, CancellationToken cancellationToken)
    {
        var chunk = new byte[8192];
        int read;
        while ((read = await source.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            Write(chunk.AsSpan(0, read));
        }
    }
}
