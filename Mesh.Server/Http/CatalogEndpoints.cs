using Mesh.Server.Http.Json;
using Mesh.Server.State;
using Mesh.Server.State.Queries;

namespace Mesh.Server.Http;

/// <summary>/v1/catalog — nodes and services of the datacenter.</summary>
internal static class CatalogEndpoints
{
    public static void Map(ConsulRoutes routes)
    {
        // Answered from the agent's own configuration, leader or not (Consul's catalog/datacenters needs none).
        routes.MapGet("/catalog/datacenters", RouteScope.Local, call => call.WriteJsonAsync<List<string>>([call.Services.Agent.Datacenter]));
        routes.MapGet("/catalog/nodes", RouteScope.Replicated, NodesAsync);
        routes.MapGet("/catalog/services", RouteScope.Replicated, ServicesAsync);
        routes.MapGet("/catalog/service/{service?}", RouteScope.Replicated, call => ServiceAsync(call, connect: false));
        routes.MapGet("/catalog/connect/{service?}", RouteScope.Replicated, call => ServiceAsync(call, connect: true));
        routes.MapGet("/catalog/node/{node?}", RouteScope.Replicated, NodeAsync);
        routes.MapPut("/catalog/register", RouteScope.Replicated, RegisterAsync);
        routes.MapPut("/catalog/deregister", RouteScope.Replicated, DeregisterAsync);
    }

    private static async Task NodesAsync(ConsulCall call)
    {
        var filter = NodeMetaFilter.From(call);
        var nodes = await call.ReadAsync(new NodesQuery()).ConfigureAwait(false);
        var datacenter = call.Services.Agent.Datacenter;
        await call.WriteJsonAsync<List<NodeJson>>([.. nodes.Where(filter.Matches).Select(n => NodeJson.From(n, datacenter))]).ConfigureAwait(false);
    }

    private static async Task ServicesAsync(ConsulCall call)
    {
        var services = await call.ReadAsync(new ServiceNamesQuery()).ConfigureAwait(false);
        await call.WriteJsonAsync(services).ConfigureAwait(false);
    }

    private static async Task ServiceAsync(ConsulCall call, bool connect)
    {
        var name = Required(call, "service", "Missing service name");
        var selection = new ServiceSelection(call, name, connect);
        var entries = await selection.ReadAsync(call).ConfigureAwait(false);
        var datacenter = call.Services.Agent.Datacenter;
        await call.WriteJsonAsync<List<ServiceNodeJson>>([.. entries.Select(e => ServiceNodeJson.From(e.Node, e.Service, datacenter))]).ConfigureAwait(false);
    }

    private static async Task NodeAsync(ConsulCall call)
    {
        var name = Required(call, "node", "Missing node name");
        var (node, services) = await call.ReadAsync(new NodeQuery(name)).ConfigureAwait(false);
        // An unknown node is a 200 with null, as Consul answers.
        var answer = node is null ? null : new NodeServicesJson(
            NodeJson.From(node, call.Services.Agent.Datacenter),
            services.ToDictionary(s => s.ID, NodeServiceJson.From, StringComparer.Ordinal));
        await call.WriteJsonAsync(answer).ConfigureAwait(false);
    }

    private static async Task RegisterAsync(ConsulCall call)
    {
        var body = await call.ReadBodyAsync<RegisterRequestBody>().ConfigureAwait(false);
        call.CheckDatacenter(body.Datacenter);
        await call.ApplyAsync(CatalogRegistration.ToCommand(body, call.Services.Agent.Datacenter)).ConfigureAwait(false);
        await call.WriteJsonAsync(true).ConfigureAwait(false);
    }

    private static async Task DeregisterAsync(ConsulCall call)
    {
        var body = await call.ReadBodyAsync<DeregisterRequestBody>().ConfigureAwait(false);
        call.CheckDatacenter(body.Datacenter);
        if (string.IsNullOrEmpty(body.Node))
        {
            throw ConsulHttpException.BadRequest("Must provide node");
        }
        await call.ApplyAsync(new CatalogDeregister(body.Node, Omit.IfEmpty(body.ServiceID), Omit.IfEmpty(body.CheckID))).ConfigureAwait(false);
        await call.WriteJsonAsync(true).ConfigureAwait(false);
    }

    /// <summary>A path segment the route made optional so that its absence gets Consul's message, not a bare 404.</summary>
    internal static string Required(ConsulCall call, string name, string missing) =>
        call.Route(name) is { Length: > 0 } value ? value : throw ConsulHttpException.BadRequest(missing);
}
