using Mesh.Server.Cluster;

namespace Mesh.Server.Http;

/// <summary>/v1/operator/raft — the Raft configuration, removing a peer and handing leadership over.</summary>
internal static partial class OperatorEndpoints
{
    private static void MapRaft(ConsulRoutes routes)
    {
        routes.MapGet("/operator/raft/configuration", RouteScope.Replicated, RaftConfigurationAsync);
        routes.MapDelete("/operator/raft/peer", RouteScope.Datacenter, RemovePeerAsync);
        routes.MapPost("/operator/raft/transfer-leader", RouteScope.Datacenter, TransferLeaderAsync);
    }

    /// <summary>Default consistency asks the leader; ?stale lets any server answer (there may be no leader).</summary>
    private static async Task RaftConfigurationAsync(ConsulCall call)
    {
        var reply = await RaftOperationAsync(() => call.Services.Operator.ConfigurationAsync(call.Consistency == State.Queries.Consistency.Stale, call.Aborted))
            .ConfigureAwait(false);
        await call.WriteJsonAsync(reply).ConfigureAwait(false);
    }

    /// <summary>?id= or ?address= (exactly one); an empty 200 once the server is out of the configuration.</summary>
    private static async Task RemovePeerAsync(ConsulCall call)
    {
        var id = call.Get("id");
        var address = call.Get("address");
        if (id is null && address is null)
        {
            throw ConsulHttpException.BadRequest("Must specify either ?id with the server's ID or ?address with IP:port of peer to remove");
        }
        if (id is not null && address is not null)
        {
            throw ConsulHttpException.BadRequest("Must specify only one of ?id or ?address");
        }
        await RaftOperationAsync(async () =>
        {
            await call.Services.Operator.RemovePeerAsync(new RaftPeer(id, address), call.Aborted).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
    }

    /// <summary>?id= names the new leader (else Raft picks the most up-to-date voter); answers {"Success":true}.</summary>
    private static async Task TransferLeaderAsync(ConsulCall call)
    {
        var id = call.Get("id") is { Length: > 0 } target ? target : null;
        await RaftOperationAsync(async () =>
        {
            await call.Services.Operator.TransferLeadershipAsync(id, call.Aborted).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
        await call.WriteJsonAsync(new TransferLeaderJson(Success: true)).ConfigureAwait(false);
    }

    /// <summary>A refused operation is a 500 with its reason, as Consul answers RPC errors.</summary>
    internal static async Task<T> RaftOperationAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (RaftOperatorException ex)
        {
            throw new ConsulHttpException(StatusCodes.Status500InternalServerError, ex.Message);
        }
    }

    /// <summary>Consul's api.TransferLeaderResponse.</summary>
    private sealed record TransferLeaderJson(bool Success);
}
