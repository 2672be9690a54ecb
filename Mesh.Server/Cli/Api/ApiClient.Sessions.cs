using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Mesh.Server.Cli.Api;

/// <summary><c>/v1/session</c>, and the blocking KV reads the lock recipes wait with.</summary>
internal sealed partial class ApiClient
{
    /// <summary>Creates a session on the agent's node (its serfHealth check, the default lock delay); returns its ID.</summary>
    public async Task<string> SessionCreateAsync(string name, string ttl, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["Name"] = name, ["TTL"] = ttl, ["Behavior"] = "release" });
        var answer = await WriteAsync(HttpMethod.Put, "/v1/session/create", new ApiQuery(), body, cancellationToken);
        try
        {
            return JsonSerializer.Deserialize<SessionCreated>(answer, Json)?.ID ?? throw new ApiException("Failed to decode response: no session ID");
        }
        catch (JsonException ex)
        {
            throw new ApiException($"Failed to decode response: {ex.Message}");
        }
    }

    /// <summary>Renews a TTL session; false once the session is gone (404).</summary>
    public async Task<bool> SessionRenewAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Put, "/v1/session/renew/" + Uri.EscapeDataString(id), new ApiQuery(), null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        await EnsureSuccessAsync(response, cancellationToken);
        return true;
    }

    public Task SessionDestroyAsync(string id, CancellationToken cancellationToken) =>
        WriteAsync(HttpMethod.Put, "/v1/session/destroy/" + Uri.EscapeDataString(id), new ApiQuery(), null, cancellationToken);

    /// <summary>A key, waiting (blocking query) until its index passes <paramref name="index"/>; null when absent.</summary>
    public async Task<(KvPair? Pair, ulong Index)> KvGetBlockingAsync(string key, ulong index, CancellationToken cancellationToken)
    {
        var (pairs, lastIndex) = await BlockingQueryAsync<List<KvPair>>(KvPath(key), new ApiQuery(), index, cancellationToken);
        return (pairs?.FirstOrDefault(), lastIndex);
    }

    /// <summary>Every key under a prefix, waiting (blocking query) until the index passes <paramref name="index"/>.</summary>
    public async Task<(IReadOnlyList<KvPair> Pairs, ulong Index)> KvListBlockingAsync(string prefix, ulong index, CancellationToken cancellationToken)
    {
        var (pairs, lastIndex) = await BlockingQueryAsync<List<KvPair>>(KvPath(prefix), new ApiQuery().Add("recurse"), index, cancellationToken);
        return (pairs ?? [], lastIndex);
    }

    private async Task<(T? Value, ulong Index)> BlockingQueryAsync<T>(string path, ApiQuery query, ulong index, CancellationToken cancellationToken)
    {
        query.AddIf(index > 0, "index", index.ToString(CultureInfo.InvariantCulture));
        using var response = await SendAsync(HttpMethod.Get, path, query, null, cancellationToken);
        var lastIndex = response.Headers.TryGetValues("X-Consul-Index", out var values)
            && ulong.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return (default, lastIndex);
        }
        await EnsureSuccessAsync(response, cancellationToken);
        try
        {
            return (await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken), lastIndex);
        }
        catch (JsonException ex)
        {
            throw new ApiException($"Failed to decode response: {ex.Message}");
        }
    }

    private sealed record SessionCreated(string? ID);
}
