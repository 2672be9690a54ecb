namespace Mesh.Server.Http;

/// <summary>/v1/status — the Raft leader and peers, as server RPC addresses.</summary>
internal static class StatusEndpoints
{
    public static void Map(ConsulRoutes routes)
    {
        // "" when there is no leader, as Consul answers.
        routes.MapGet("/status/leader", RouteScope.Datacenter, call => call.WriteJsonAsync(call.Services.Cluster.Leader));
        routes.MapGet("/status/peers", RouteScope.Datacenter, call => call.WriteJsonAsync<List<string>>([.. call.Services.Cluster.Peers]));
    }
}
