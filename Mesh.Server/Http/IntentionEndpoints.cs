using Mesh.Connect.Intentions;
using Mesh.Server.Http.Json;
using Mesh.Server.State;
using Mesh.Server.State.Intentions;

namespace Mesh.Server.Http;

/// <summary>/v1/connect/intentions — which services may connect to which, by name or (legacy) by ID.</summary>
internal static class IntentionEndpoints
{
    private const string NotFound = "Intention not found";

    public static void Map(ConsulRoutes routes)
    {
        routes.MapGet("/connect/intentions", RouteScope.Replicated, ListAsync);
        routes.MapPost("/connect/intentions", RouteScope.Replicated, CreateAsync);
        routes.MapGet("/connect/intentions/exact", RouteScope.Replicated, GetExactAsync);
        routes.MapPut("/connect/intentions/exact", RouteScope.Replicated, PutExactAsync);
        routes.MapDelete("/connect/intentions/exact", RouteScope.Replicated, DeleteExactAsync);
        routes.MapGet("/connect/intentions/match", RouteScope.Replicated, MatchAsync);
        routes.MapGet("/connect/intentions/check", RouteScope.Replicated, CheckAsync);
        routes.MapGet("/connect/intentions/{id}", RouteScope.Replicated, GetByIdAsync);
        routes.MapPut("/connect/intentions/{id}", RouteScope.Replicated, UpdateAsync);
        routes.MapDelete("/connect/intentions/{id}", RouteScope.Replicated, DeleteByIdAsync);
    }

    private static async Task ListAsync(ConsulCall call)
    {
        var intentions = await call.ReadAsync(new IntentionsQuery()).ConfigureAwait(false);
        await call.WriteJsonAsync(intentions.Select(IntentionJson.From).ToList()).ConfigureAwait(false);
    }

    /// <summary>?by=source|destination&amp;name=X (repeatable): each name's matching intentions in evaluation order.</summary>
    private static async Task MatchAsync(ConsulCall call)
    {
        var by = call.Get("by") ?? throw ConsulHttpException.BadRequest("required query parameter 'by' not set");
        if (by is not ("source" or "destination"))
        {
            throw ConsulHttpException.BadRequest("'by' parameter must be one of 'source' or 'destination'");
        }
        var names = call.All("name");
        if (names.Count == 0)
        {
            throw ConsulHttpException.BadRequest("required query parameter 'name' not set");
        }
        var intentions = await call.ReadAsync(new IntentionsQuery()).ConfigureAwait(false);
        var matches = new Dictionary<string, List<IntentionJson>>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            matches[name] = [.. intentions
                .Where(i => by == "source" ? Covers(i.SourceName, name) : Covers(i.DestinationName, name))
                .Select(IntentionJson.From)];
        }
        await call.WriteJsonAsync(matches).ConfigureAwait(false);
    }

    /// <summary>Whether a connection from ?source to ?destination would be allowed (L4: an L7 intention denies).</summary>
    private static async Task CheckAsync(ConsulCall call)
    {
        var (source, destination) = Pair(call);
        var intentions = await call.ReadAsync(new IntentionsQuery()).ConfigureAwait(false);
        var decision = IntentionEvaluator.Evaluate(intentions, source, destination, defaultAllow: call.Services.IntentionDefaultAllow);
        await call.WriteJsonAsync(new IntentionCheckJson(decision.Allowed)).ConfigureAwait(false);
    }

    private static async Task GetExactAsync(ConsulCall call)
    {
        var (source, destination) = Pair(call);
        var intentions = await call.ReadAsync(new IntentionsQuery()).ConfigureAwait(false);
        var found = intentions.FirstOrDefault(i => i.SourceName == source && i.DestinationName == destination)
            ?? throw new ConsulHttpException(StatusCodes.Status404NotFound, NotFound);
        await call.WriteJsonAsync(IntentionJson.From(found)).ConfigureAwait(false);
    }

    private static async Task GetByIdAsync(ConsulCall call)
    {
        var id = call.Route("id");
        var intentions = await call.ReadAsync(new IntentionsQuery()).ConfigureAwait(false);
        var found = intentions.FirstOrDefault(i => i.ID.Length > 0 && i.ID == id)
            ?? throw new ConsulHttpException(StatusCodes.Status404NotFound, NotFound);
        await call.WriteJsonAsync(IntentionJson.From(found)).ConfigureAwait(false);
    }

    /// <summary>PUT exact: creates or replaces the pair's intention from the body; the query names win.</summary>
    private static async Task PutExactAsync(ConsulCall call)
    {
        var (source, destination) = Pair(call);
        var body = await call.ReadBodyAsync<IntentionBody>().ConfigureAwait(false);
        var intention = ToIntention(body with { SourceName = source, DestinationName = destination }, id: "");
        await ApplyAsync(call, IntentionOp.Upsert, intention).ConfigureAwait(false);
        await call.WriteJsonAsync(true).ConfigureAwait(false);
    }

    /// <summary>Legacy POST: a new intention with a new ID, answered as {"ID": ...}.</summary>
    private static async Task CreateAsync(ConsulCall call)
    {
        var body = await call.ReadBodyAsync<IntentionBody>().ConfigureAwait(false);
        if (!string.IsNullOrEmpty(body.ID))
        {
            throw ConsulHttpException.BadRequest("ID must be empty when creating a new intention");
        }
        var intention = ToIntention(body, Guid.NewGuid().ToString());
        await ApplyAsync(call, IntentionOp.Create, intention).ConfigureAwait(false);
        await call.WriteJsonAsync(new IntentionIdJson(intention.ID)).ConfigureAwait(false);
    }

    /// <summary>Legacy PUT /:id: replaces that intention (its pair may change).</summary>
    private static async Task UpdateAsync(ConsulCall call)
    {
        var body = await call.ReadBodyAsync<IntentionBody>().ConfigureAwait(false);
        await ApplyAsync(call, IntentionOp.Update, ToIntention(body, call.Route("id"))).ConfigureAwait(false);
    }

    private static async Task DeleteExactAsync(ConsulCall call)
    {
        var (source, destination) = Pair(call);
        await ApplyAsync(call, IntentionOp.Delete, new Intention { SourceName = source, DestinationName = destination }).ConfigureAwait(false);
        await call.WriteJsonAsync(true).ConfigureAwait(false);
    }

    private static Task DeleteByIdAsync(ConsulCall call) =>
        ApplyAsync(call, IntentionOp.Delete, new Intention { ID = call.Route("id"), SourceName = "", DestinationName = "" });

    /// <summary>Invalid intentions are the client's mistake (400); other refusals are Consul's RPC errors (500).</summary>
    private static async Task ApplyAsync(ConsulCall call, IntentionOp op, Intention intention)
    {
        if (op != IntentionOp.Delete && IntentionValidation.Validate(intention) is { } invalid)
        {
            throw ConsulHttpException.BadRequest("Invalid Intention: " + invalid);
        }
        await call.ApplyAsync(new IntentionApply(op, intention, call.Services.Time.GetUtcNow().UtcDateTime)).ConfigureAwait(false);
    }

    private static Intention ToIntention(IntentionBody body, string id)
    {
        CheckNamespace(body.SourceNS);
        CheckNamespace(body.DestinationNS);
        return new Intention
        {
            ID = id,
            SourceName = body.SourceName ?? "",
            DestinationName = body.DestinationName ?? "",
            SourceType = string.IsNullOrEmpty(body.SourceType) ? IntentionAction.SourceTypeConsul : body.SourceType,
            Action = body.Action ?? "",
            Permissions = body.Permissions is { Count: > 0 } permissions ? permissions : null,
            Description = body.Description ?? "",
            Meta = body.Meta ?? [],
        };
    }

    private static void CheckNamespace(string? ns)
    {
        if (!string.IsNullOrEmpty(ns) && ns != IntentionJson.DefaultNamespace)
        {
            throw ConsulHttpException.BadRequest($"Invalid Intention: namespace \"{ns}\" does not exist (only \"default\" is supported)");
        }
    }

    /// <summary>?source and ?destination, both required.</summary>
    private static (string Source, string Destination) Pair(ConsulCall call) =>
        (call.Get("source") is { Length: > 0 } source ? source : throw ConsulHttpException.BadRequest("required query parameter 'source' not set"),
         call.Get("destination") is { Length: > 0 } destination ? destination : throw ConsulHttpException.BadRequest("required query parameter 'destination' not set"));

    private static bool Covers(string pattern, string name) => IntentionPrecedence.IsWildcard(pattern) || pattern == name;
}
