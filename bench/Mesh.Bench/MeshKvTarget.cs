namespace Mesh.Bench;

/// <summary>
/// Consul's KV API: PUT /v1/kv/key with the raw value, GET /v1/kv/key answering JSON with a base64 Value; reads carry
/// <c>?consistent</c> or <c>?stale</c> as <paramref name="read"/> asks.
/// </summary>
internal sealed class MeshKvTarget(Uri baseAddress, KvRead read = KvRead.Default) : IKvTarget
{
    private readonly Uri[] _puts = Paths("");
    private readonly Uri[] _gets = Paths(read switch
    {
        KvRead.Consistent => "?consistent",
        KvRead.Stale => "?stale",
        _ => "",
    });

    public Uri BaseAddress { get; } = baseAddress;

    public HttpRequestMessage Request(KvOperation operation, int key) => operation switch
    {
        KvOperation.Put => new HttpRequestMessage(HttpMethod.Put, _puts[key]) { Content = new ByteArrayContent(KvWorkload.Value) },
        _ => new HttpRequestMessage(HttpMethod.Get, _gets[key]),
    };

    public bool HoldsValue(string readBody) =>
        readBody.Contains($"\"Value\":\"{Convert.ToBase64String(KvWorkload.Value)}\"", StringComparison.Ordinal);

    private static Uri[] Paths(string query) =>
        [.. Enumerable.Range(0, KvWorkload.KeyCount).Select(k => new Uri($"/v1/kv/{KvWorkload.KeyName(k)}{query}", UriKind.Relative))];
}
