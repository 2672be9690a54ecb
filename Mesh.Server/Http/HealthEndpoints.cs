using Mesh.Server.Http.Json;
using Mesh.Server.State;
using Mesh.Server.State.Queries;

namespace Mesh.Server.Http;

/// <summary>/v1/health — checks and the instances they govern.</summary>
internal static class HealthEndpoints
{
    private static readonly string[] States = ["any", "passing", "warning", "critical"];

    public static void Map(ConsulRoutes routes)
    {
        routes.MapGet("/health/node/{node?}", RouteScope.Replicated, NodeAsync);
        routes.MapGet("/health/checks/{service?}", RouteScope.Replicated, ChecksAsync);
        routes.MapGet("/health/state/{state?}", RouteScope.Replicated, StateAsync);
        routes.MapGet("/health/service/{service?}", RouteScope.Replicated, call => ServiceAsync(call, connect: false));
        routes.MapGet("/health/connect/{service?}", RouteScope.Replicated, call => ServiceAsync(call, connect: true));
    }

    private static async Task NodeAsync(ConsulCall call)
    {
        var node = CatalogEndpoints.Required(call, "node", "Missing node name");
        await WriteChecksAsync(call, await call.ReadAsync(new NodeChecksQuery(node)).ConfigureAwait(false)).ConfigureAwait(false);
    }

    private static async Task ChecksAsync(ConsulCall call)
    {
        var service = CatalogEndpoints.Required(call, "service", "Missing service name");
        await WriteChecksAsync(call, await call.ReadAsync(new ServiceChecksQuery(service)).ConfigureAwait(false)).ConfigureAwait(false);
    }

    private static async Task StateAsync(ConsulCall call)
    {
        var state = CatalogEndpoints.Required(call, "state", "Missing check state");
        if (!States.Contains(state))
        {
            throw ConsulHttpException.BadRequest("Invalid state");
        }
        var checks = await call.ReadAsync(new ChecksQuery()).ConfigureAwait(false);
        await WriteChecksAsync(call, state == "any" ? checks : [.. checks.Where(c => c.Status == state)]).ConfigureAwait(false);
    }

    private static async Task ServiceAsync(ConsulCall call, bool connect)
    {
        var name = CatalogEndpoints.Required(call, "service", "Missing service name");
        var selection = new ServiceSelection(call, name, connect);
        var passing = call.Flag("passing");
        var entries = await selection.ReadAsync(call).ConfigureAwait(false);
        var datacenter = call.Services.Agent.Datacenter;
        // ?passing keeps only instances whose every check passes (Consul's filterNonPassing: warning fails it too).
        await call.WriteJsonAsync<List<CheckServiceNodeJson>>([.. entries
            .Where(e => !passing || e.Checks.All(c => c.Status == "passing"))
            .Select(e => CheckServiceNodeJson.From(e, datacenter))]).ConfigureAwait(false);
    }

    private static Task WriteChecksAsync(ConsulCall call, IReadOnlyList<CatalogCheck> checks) =>
        call.WriteJsonAsync<List<HealthCheckJson>>([.. checks.Select(HealthCheckJson.From)]);
}
