namespace Mesh.Server.Cli.Api;

/// <summary><c>/v1/catalog</c> reads.</summary>
internal sealed partial class ApiClient
{
    public async Task<IReadOnlyList<string>> CatalogDatacentersAsync(CancellationToken cancellationToken) =>
        await QueryAsync<List<string>>("/v1/catalog/datacenters", new ApiQuery(), cancellationToken) ?? [];

    public async Task<IReadOnlyList<CatalogNode>> CatalogNodesAsync(CatalogQuery query, CancellationToken cancellationToken) =>
        await QueryAsync<List<CatalogNode>>("/v1/catalog/nodes", query.ToQuery(), cancellationToken) ?? [];

    public async Task<IReadOnlyList<CatalogServiceInstance>> CatalogServiceAsync(string service, CatalogQuery query, CancellationToken cancellationToken) =>
        await QueryAsync<List<CatalogServiceInstance>>("/v1/catalog/service/" + EscapePath(service), query.ToQuery(), cancellationToken) ?? [];

    public async Task<IReadOnlyDictionary<string, List<string>>> CatalogServicesAsync(CatalogQuery query, CancellationToken cancellationToken) =>
        await QueryAsync<Dictionary<string, List<string>>>("/v1/catalog/services", query.ToQuery(), cancellationToken)
            ?? new Dictionary<string, List<string>>();

    /// <summary>The node's services, or null when the catalog has no such node (Consul answers <c>null</c>).</summary>
    public Task<CatalogNodeServices?> CatalogNodeAsync(string node, CatalogQuery query, CancellationToken cancellationToken) =>
        QueryAsync<CatalogNodeServices>("/v1/catalog/node/" + EscapePath(node), query.ToQuery(), cancellationToken);
}
