using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Server.Http;

/// <summary>The Consul-compatible HTTP API (<c>/v1/...</c>), so existing Consul clients and tools work unchanged.</summary>
public static class ConsulApi
{
    /// <summary>
    /// Maps every endpoint under <c>/v1</c>. Needs StateStore, IStateWriter, ILocalAgent, IClusterStatus,
    /// IRaftOperator (for /v1/operator/raft and /v1/snapshot) and TimeProvider in DI; they are resolved on first use.
    /// </summary>
    public static IEndpointRouteBuilder MapConsulApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var services = new ConsulServices(app.ServiceProvider);
        var v1 = new ConsulRoutes(app.MapGroup("/v1"), services);
        KvEndpoints.Map(v1);
        CatalogEndpoints.Map(v1);
        HealthEndpoints.Map(v1);
        AgentEndpoints.Map(v1);
        StatusEndpoints.Map(v1);
        OperatorEndpoints.Map(v1);
        SnapshotEndpoints.Map(v1);
        IntentionEndpoints.Map(v1);
        AgentConnectEndpoints.Map(v1);
        ConnectCaEndpoints.Map(v1);
        TxnEndpoints.Map(v1);
        SessionEndpoints.Map(v1);
        EventEndpoints.Map(v1);
        PreparedQueryEndpoints.Map(v1);
        return app;
    }
}
