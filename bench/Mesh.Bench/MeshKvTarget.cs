namespace Mesh.Bench;

/// <summary>Consul's KV API: PUT /v1/kv/key with the raw value, GET /v1/kv/key answering JSON with a base64 Value.</summary>
internal sealed class MeshKvTarget(Uri baseAddress) : IKvTarget
{
    private readonly Uri[] _paths = [.. Enumerable.Range(0, KvWorkload.KeyCount).Select(k => new Uri($"/v1/kv/{KvWorkload.KeyName(k)}", UriKind.Relative))];

    public Uri BaseAddress { get; } = baseAddress;

    public HttpRequestMessage Request(KvOperation operation, int key) => operation switch
    {
        KvOperation.Put => new HttpRequestMessage(HttpMethod.Put, _paths[key]) { Content = new ByteArrayContent(KvWorkload.Value) },
        _ => new HttpRequestMessage(HttpMethod.Get, _paths[key]),
    };

    public bool HoldsValue(string readBody) =>
        readBody.Contains($"\"Value\":\"{Convert.ToBase64String(KvWorkload.Value)}\"", StringComparison.Ordinal);
}
