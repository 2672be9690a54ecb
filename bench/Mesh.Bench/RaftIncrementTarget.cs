using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Mesh.Bench;

/// <summary>
/// The Raft node's counter as a write target: a "put" is POST /increment with an id never sent before (answered
/// once the entry is committed and applied on the leader), a "get" a linearizable GET /value?consistency=readindex.
/// </summary>
internal sealed class RaftIncrementTarget(Uri baseAddress) : IKvTarget
{
    private static readonly Uri IncrementPath = new("/increment", UriKind.Relative);
    private static readonly Uri ValuePath = new("/value?consistency=readindex", UriKind.Relative);

    private long _sent;

    public Uri BaseAddress { get; } = baseAddress;

    public HttpRequestMessage Request(KvOperation operation, int key) => operation switch
    {
        KvOperation.Put => new HttpRequestMessage(HttpMethod.Post, IncrementPath)
        {
            Content = new ByteArrayContent(Encoding.ASCII.GetBytes("p" + Interlocked.Increment(ref _sent).ToString(CultureInfo.InvariantCulture))),
        },
        _ => new HttpRequestMessage(HttpMethod.Get, ValuePath),
    };

    /// <summary>The read-back after the prepare step's writes counts every one of them.</summary>
    public bool HoldsValue(string readBody)
    {
        using var value = JsonDocument.Parse(readBody);
        return value.RootElement.TryGetProperty("count", out var count) && count.GetInt64() >= KvWorkload.KeyCount;
    }
}
