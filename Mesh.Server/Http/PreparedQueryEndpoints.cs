using System.Globalization;
using Mesh.Server.Config;
using Mesh.Server.Http.Json;
using Mesh.Server.State;
using Mesh.Server.State.PreparedQueries;

namespace Mesh.Server.Http;

/// <summary>
/// /v1/query — prepared queries: stored service lookups, executed by ID or name. Templates are refused; failover to
/// other datacenters never happens (the agent knows of none), so Failovers is always 0.
/// </summary>
internal static class PreparedQueryEndpoints
{
    private const string NotFound = "Query not found";

    public static void Map(ConsulRoutes routes)
    {
        routes.MapPost("/query", RouteScope.Replicated, CreateAsync);
        routes.MapGet("/query", RouteScope.Replicated, ListAsync);
        routes.MapGet("/query/{id}", RouteScope.Replicated, GetAsync);
        routes.MapPut("/query/{id}", RouteScope.Replicated, UpdateAsync);
        routes.MapDelete("/query/{id}", RouteScope.Replicated, DeleteAsync);
        routes.MapGet("/query/{id}/execute", RouteScope.Replicated, ExecuteAsync);
        routes.MapGet("/query/{id}/explain", RouteScope.Replicated, ExplainAsync);
    }

    private static async Task CreateAsync(ConsulCall call)
    {
        var body = await call.ReadBodyAsync<PreparedQueryJson>().ConfigureAwait(false);
        if (!string.IsNullOrEmpty(body.ID))
        {
            throw new ConsulHttpException(StatusCodes.Status500InternalServerError, "ID must be empty when creating a new prepared query");
        }
        var query = ToQuery(body, Guid.NewGuid().ToString());
        await call.ApplyAsync(new PreparedQueryApply(PreparedQueryOp.Create, query)).ConfigureAwait(false);
        await call.WriteJsonAsync(new PreparedQueryIdJson(query.ID)).ConfigureAwait(false);
    }

    private static async Task ListAsync(ConsulCall call)
    {
        var queries = await call.ReadAsync(new PreparedQueryListQuery()).ConfigureAwait(false);
        await call.WriteJsonAsync(queries.Select(PreparedQueryJson.From).ToList()).ConfigureAwait(false);
    }

    private static async Task GetAsync(ConsulCall call)
    {
        var query = await call.ReadAsync(new PreparedQueryGetQuery(call.Route("id"))).ConfigureAwait(false)
            ?? throw new ConsulHttpException(StatusCodes.Status404NotFound, NotFound);
        await call.WriteJsonAsync(new List<PreparedQueryJson> { PreparedQueryJson.From(query) }).ConfigureAwait(false);
    }

    /// <summary>The body replaces the whole query; the ID is the URL's. Consul answers with an empty body.</summary>
    private static async Task UpdateAsync(ConsulCall call)
    {
        var body = call.Http.Request.ContentLength is null or > 0
            ? await call.ReadBodyAsync<PreparedQueryJson>().ConfigureAwait(false)
            : new PreparedQueryJson();
        await call.ApplyAsync(new PreparedQueryApply(PreparedQueryOp.Update, ToQuery(body, call.Route("id")))).ConfigureAwait(false);
    }

    private static async Task DeleteAsync(ConsulCall call)
    {
        var query = new PreparedQuery { ID = call.Route("id"), Service = new PreparedQueryService { Service = "" } };
        await call.ApplyAsync(new PreparedQueryApply(PreparedQueryOp.Delete, query)).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(ConsulCall call)
    {
        var limit = Limit(call);
        var connect = call.Flag("connect");
        var result = await call.ReadResultAsync(new PreparedQueryExecuteQuery(call.Route("id"), connect)).ConfigureAwait(false);
        var query = result.Value.Query ?? throw new ConsulHttpException(StatusCodes.Status404NotFound, NotFound);
        var near = PreparedQueryFilter.Near(call.Get("near") is { Length: > 0 } asked ? asked : query.Service.Near, call.Services.Agent.NodeName);
        var datacenter = call.Services.Agent.Datacenter;
        var nodes = PreparedQueryFilter.Select(query.Service, result.Value.Entries, near, limit);
        await call.WriteJsonAsync(new PreparedQueryExecuteJson(
            query.Service.Service,
            [.. nodes.Select(e => CheckServiceNodeJson.From(e, datacenter))],
            new PreparedQueryDnsJson(query.DnsTtl),
            datacenter,
            Failovers: 0,
            result.Index,
            LastContact(result),
            result.KnownLeader,
            call.EffectiveConsistency)).ConfigureAwait(false);
    }

    private static async Task ExplainAsync(ConsulCall call)
    {
        var result = await call.ReadResultAsync(new PreparedQueryExecuteQuery(call.Route("id"))).ConfigureAwait(false);
        var query = result.Value.Query ?? throw new ConsulHttpException(StatusCodes.Status404NotFound, NotFound);
        await call.WriteJsonAsync(new PreparedQueryExplainJson(
            PreparedQueryJson.From(query), result.Index, LastContact(result), result.KnownLeader, call.EffectiveConsistency)).ConfigureAwait(false);
    }

    private static PreparedQuery ToQuery(PreparedQueryJson body, string id)
    {
        if (!string.IsNullOrEmpty(body.Template?.Type))
        {
            throw ConsulHttpException.BadRequest("prepared query templates are not supported");
        }
        return body.ToQuery(id);
    }

    /// <summary>?limit as Go's strconv.Atoi reads it; 0 or less means no limit.</summary>
    private static int Limit(ConsulCall call) => call.Get("limit") is not { Length: > 0 } text ? 0
        : int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var limit) ? limit
        : throw new ConsulHttpException(StatusCodes.Status500InternalServerError, $"Bad limit: strconv.Atoi: parsing \"{text}\": invalid syntax");

    // Consul's LastContact is a Go duration: nanoseconds.
    private static long LastContact<T>(QueryResult<T> result) => GoDuration.ToNanoseconds(result.LastContact);
}
