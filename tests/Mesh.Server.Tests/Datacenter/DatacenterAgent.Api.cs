using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Mesh.Server.Tests.Datacenter;

/// <summary>The Consul HTTP calls the datacenter tests make on an agent.</summary>
internal sealed partial class DatacenterAgent
{
    /// <summary>The leader's "ip:port" as this agent knows it; empty while it knows none.</summary>
    public async Task<string> LeaderAsync() => await Http.GetFromJsonAsync<string>("/v1/status/leader") ?? "";

    public async Task<string[]> PeersAsync() => await Http.GetFromJsonAsync<string[]>("/v1/status/peers") ?? [];

    /// <summary>A KV write; true only when the agent answered <c>true</c> (the write is committed).</summary>
    public async Task<bool> PutAsync(string key, string value, CancellationToken cancellationToken = default)
    {
        using var response = await Http.PutAsync($"/v1/kv/{key}", new StringContent(value), cancellationToken);
        return response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync(cancellationToken)).Trim() == "true";
    }

    /// <summary>Every key under <paramref name="prefix"/> with its value, read with <paramref name="consistency"/> ("", "stale" or "consistent").</summary>
    public async Task<IReadOnlyDictionary<string, string>> KvAsync(string prefix, string consistency = "")
    {
        var query = consistency.Length == 0 ? "recurse" : $"recurse&{consistency}";
        using var response = await Http.GetAsync($"/v1/kv/{prefix}?{query}");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return new Dictionary<string, string>();
        }
        response.EnsureSuccessStatusCode();
        var entries = await response.Content.ReadFromJsonAsync<KvEntry[]>() ?? [];
        return entries.ToDictionary(e => e.Key, e => e.Value is null ? "" : Encoding.UTF8.GetString(Convert.FromBase64String(e.Value)));
    }

    /// <summary>Any call, answered with its status, body and headers (X-Consul-*), whatever the status.</summary>
    public async Task<ApiAnswer> CallAsync(HttpMethod method, string pathAndQuery, string? body = null)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery);
        if (body is not null)
        {
            request.Content = new StringContent(body);
        }
        using var response = await Http.SendAsync(request);
        var headers = response.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        return new ApiAnswer(response.StatusCode, await response.Content.ReadAsStringAsync(), headers);
    }

    public async Task<string[]> CatalogNodesAsync() =>
        [.. (await Http.GetFromJsonAsync<CatalogNode[]>("/v1/catalog/nodes") ?? []).Select(n => n.Node)];

    /// <summary>The status of the node's serfHealth check, or null when the catalog has none.</summary>
    public async Task<string?> SerfHealthAsync(string node) =>
        (await Http.GetFromJsonAsync<HealthCheck[]>($"/v1/health/node/{node}") ?? []).SingleOrDefault(c => c.CheckID == "serfHealth")?.Status;

    public async Task<ServiceNode[]> ServiceNodesAsync(string service) =>
        await Http.GetFromJsonAsync<ServiceNode[]>($"/v1/catalog/service/{service}") ?? [];

    private sealed record KvEntry(string Key, string? Value);

    private sealed record CatalogNode(string Node);

    private sealed record HealthCheck(string CheckID, string Status);
}

internal sealed record ServiceNode(string Node, string ServiceID, int ServicePort)
{
    public override string ToString() => $"{Node}/{ServiceID}:{ServicePort}";
}

internal sealed record ApiAnswer(HttpStatusCode Status, string Body, IReadOnlyDictionary<string, string> Headers)
{
    public string? Header(string name) => Headers.GetValueOrDefault(name);

    public override string ToString() => $"{(int)Status} {Body} [{string.Join("; ", Headers.Where(h => h.Key.StartsWith("X-Consul", StringComparison.Ordinal)).Select(h => $"{h.Key}: {h.Value}"))}]";
}
