using System.Globalization;

namespace Mesh.Server.Cli.Api;

/// <summary><c>/v1/kv</c>: a missing key or prefix is a 404, which reads return as nothing.</summary>
internal sealed partial class ApiClient
{
    public async Task<KvPair?> KvGetAsync(string key, bool stale, CancellationToken cancellationToken)
    {
        var pairs = await QueryAsync<List<KvPair>>(KvPath(key), new ApiQuery().AddIf(stale, "stale"), cancellationToken, notFoundIsEmpty: true);
        return pairs?.FirstOrDefault();
    }

    public async Task<IReadOnlyList<KvPair>> KvListAsync(string prefix, bool stale, CancellationToken cancellationToken) =>
        await QueryAsync<List<KvPair>>(KvPath(prefix), new ApiQuery().AddIf(stale, "stale").Add("recurse"), cancellationToken, notFoundIsEmpty: true) ?? [];

    public async Task<IReadOnlyList<string>> KvKeysAsync(string prefix, string separator, bool stale, CancellationToken cancellationToken)
    {
        var query = new ApiQuery().AddIf(stale, "stale").Add("keys").AddIf(separator.Length > 0, "separator", separator);
        return await QueryAsync<List<string>>(KvPath(prefix), query, cancellationToken, notFoundIsEmpty: true) ?? [];
    }

    /// <summary>Writes a value; false when a check-and-set or lock condition did not hold.</summary>
    public async Task<bool> KvPutAsync(string key, byte[] value, KvWrite write, CancellationToken cancellationToken)
    {
        if (key.StartsWith('/'))
        {
            throw new ApiException($"Invalid key. Key must not begin with a '/': {key}");
        }
        var query = new ApiQuery()
            .AddIf(write.Flags != 0, "flags", write.Flags.ToString(CultureInfo.InvariantCulture))
            .AddIf(write.Cas is not null, "cas", write.Cas?.ToString(CultureInfo.InvariantCulture) ?? "")
            .AddIf(write.Acquire is not null, "acquire", write.Acquire ?? "")
            .AddIf(write.Release is not null, "release", write.Release ?? "");
        return (await WriteAsync(HttpMethod.Put, KvPath(key), query, value, cancellationToken)).Contains("true", StringComparison.Ordinal);
    }

    /// <summary>Deletes a key, a prefix (<paramref name="recurse"/>) or, with <paramref name="cas"/>, a key at that index.</summary>
    public async Task<bool> KvDeleteAsync(string key, bool recurse, ulong? cas, CancellationToken cancellationToken)
    {
        var query = new ApiQuery()
            .AddIf(recurse, "recurse")
            .AddIf(cas is not null, "cas", cas?.ToString(CultureInfo.InvariantCulture) ?? "");
        return (await WriteAsync(HttpMethod.Delete, KvPath(key), query, null, cancellationToken)).Contains("true", StringComparison.Ordinal);
    }

    internal static string KvPath(string key) => "/v1/kv/" + EscapePath(key);
}
