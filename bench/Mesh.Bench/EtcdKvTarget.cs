using System.Net.Http.Headers;
using System.Text;

namespace Mesh.Bench;

/// <summary>
/// etcd's v3 JSON gateway: POST /v3/kv/put and /v3/kv/range with base64 keys and values. Ranges are linearizable
/// (etcd's default) unless <paramref name="serializable"/>: then the member answers from its own state.
/// </summary>
internal sealed class EtcdKvTarget(Uri baseAddress, bool serializable = false) : IKvTarget
{
    private static readonly Uri PutPath = new("/v3/kv/put", UriKind.Relative);
    private static readonly Uri RangePath = new("/v3/kv/range", UriKind.Relative);

    // Bodies are built once so that the client does the same small amount of work per request as for mesh.
    private readonly byte[][] _puts = Bodies(k => $$"""{"key":"{{Base64(KvWorkload.KeyName(k))}}","value":"{{Convert.ToBase64String(KvWorkload.Value)}}"}""");
    private readonly byte[][] _ranges = Bodies(k => serializable
        ? $$"""{"key":"{{Base64(KvWorkload.KeyName(k))}}","serializable":true}"""
        : $$"""{"key":"{{Base64(KvWorkload.KeyName(k))}}"}""");

    public Uri BaseAddress { get; } = baseAddress;

    public HttpRequestMessage Request(KvOperation operation, int key)
    {
        var (path, body) = operation == KvOperation.Put ? (PutPath, _puts[key]) : (RangePath, _ranges[key]);
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
    }

    public bool HoldsValue(string readBody) =>
        readBody.Contains($"\"value\":\"{Convert.ToBase64String(KvWorkload.Value)}\"", StringComparison.Ordinal);

    public static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static byte[][] Bodies(Func<int, string> body) =>
        [.. Enumerable.Range(0, KvWorkload.KeyCount).Select(k => Encoding.UTF8.GetBytes(body(k)))];
}
