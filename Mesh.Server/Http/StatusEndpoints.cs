namespace Mesh.Server.Http;

/// <summary>/v1/status — the Raft leader and peers, as server RPC addresses.</summary>
internal static class StatusEndpoints
{
    public static void Map(ConsulRoutes routes)
    {
        // "" when there is no leader, as Consul answers; a client agent asks a server.
        routes.MapGet("/status/leader", RouteScope.Datacenter, async call =>
            await call.WriteJsonAsync(await call.Services.Cluster.LeaderAsync(call.Aborted).ConfigureAwait(false)).ConfigureAwait(false));
        routes.MapGet("/status/peers", RouteScope.Datacenter, async call =>
            await call.WriteJsonAsync<List<string>>([.. await call.Services.Cluster.PeersAsync(call.Aborted).ConfigureAwait(false)]).ConfigureAwait(false));
    }
}
