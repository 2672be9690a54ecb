using System.Globalization;
using System.Text.Json;
using Mesh.Server.Agent;
using Mesh.Server.Config;
using Mesh.Server.Http.Json;
using Mesh.Server.State.Sessions;

namespace Mesh.Server.Http;

/// <summary>/v1/session — sessions, which KV locks (?acquire/?release) are held by.</summary>
internal static class SessionEndpoints
{
    /// <summary>Consul's session_ttl_min default and structs.SessionTTLMax.</summary>
    private static readonly TimeSpan MinTtl = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxTtl = TimeSpan.FromHours(24);
    private static readonly TimeSpan DefaultLockDelay = TimeSpan.FromSeconds(15);

    // Consul's lockDelayMinThreshold: a bare number below it is seconds, anything else nanoseconds.
    private const long LockDelaySecondsBelow = 1000;

    public static void Map(ConsulRoutes routes)
    {
        routes.MapPut("/session/create", RouteScope.Replicated, CreateAsync);
        routes.MapPut("/session/destroy/{id?}", RouteScope.Replicated, DestroyAsync);
        routes.MapPut("/session/renew/{id?}", RouteScope.Replicated, RenewAsync);
        routes.MapGet("/session/info/{id?}", RouteScope.Replicated, InfoAsync);
        routes.MapGet("/session/node/{node?}", RouteScope.Replicated, NodeAsync);
        routes.MapGet("/session/list", RouteScope.Replicated, ListAsync);
    }

    private static async Task CreateAsync(ConsulCall call)
    {
        var body = await ReadCreateBodyAsync(call).ConfigureAwait(false);
        var session = ToSession(body, call.Services.Agent.NodeName);
        await call.ApplyAsync(new SessionCreate(session)).ConfigureAwait(false);
        await call.WriteJsonAsync(new SessionIdJson(session.ID)).ConfigureAwait(false);
    }

    private static async Task DestroyAsync(ConsulCall call)
    {
        await call.ApplyAsync(new SessionDestroy(SessionId(call))).ConfigureAwait(false);
        await call.WriteJsonAsync(true).ConfigureAwait(false);
    }

    private static async Task RenewAsync(ConsulCall call)
    {
        var id = SessionId(call);
        var result = await call.ApplyAsync(new SessionRenew(id)).ConfigureAwait(false);
        var session = result.Succeeded ? await call.ReadAsync(new SessionGetQuery(id)).ConfigureAwait(false) : null;
        if (session is null)
        {
            throw new ConsulHttpException(StatusCodes.Status404NotFound, $"Session id '{id}' not found");
        }
        await call.WriteJsonAsync(new List<SessionJson> { SessionJson.From(session) }).ConfigureAwait(false);
    }

    private static async Task InfoAsync(ConsulCall call)
    {
        var session = await call.ReadAsync(new SessionGetQuery(SessionId(call))).ConfigureAwait(false);
        await call.WriteJsonAsync(session is null ? [] : new List<SessionJson> { SessionJson.From(session) }).ConfigureAwait(false);
    }

    private static async Task NodeAsync(ConsulCall call)
    {
        var node = call.Route("node");
        if (node.Length == 0)
        {
            throw ConsulHttpException.BadRequest("Missing node name");
        }
        await WriteAsync(call, await call.ReadAsync(new SessionListQuery(node)).ConfigureAwait(false)).ConfigureAwait(false);
    }

    private static async Task ListAsync(ConsulCall call) =>
        await WriteAsync(call, await call.ReadAsync(new SessionListQuery()).ConfigureAwait(false)).ConfigureAwait(false);

    private static Task WriteAsync(ConsulCall call, IReadOnlyList<SessionEntry> sessions) =>
        call.WriteJsonAsync(sessions.Select(SessionJson.From).ToList());

    private static string SessionId(ConsulCall call) =>
        call.Route("id") is { Length: > 0 } id ? id : throw ConsulHttpException.BadRequest("Missing session");

    /// <summary>No body (or an empty one) means every default, as in Consul.</summary>
    private static async Task<SessionCreateBody> ReadCreateBodyAsync(ConsulCall call)
    {
        using var buffer = new MemoryStream();
        await call.Http.Request.Body.CopyToAsync(buffer, call.Aborted).ConfigureAwait(false);
        if (buffer.Length == 0)
        {
            return new SessionCreateBody();
        }
        try
        {
            return JsonSerializer.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), ConsulJson.ReadInfo<SessionCreateBody>())
                ?? new SessionCreateBody();
        }
        catch (JsonException ex)
        {
            throw ConsulHttpException.BadRequest("Request decode failed: " + ex.Message);
        }
    }

    /// <summary>The session a create asks for, checked as Consul's Session.Apply does (its errors are 500s).</summary>
    private static SessionEntry ToSession(SessionCreateBody body, string agentNode)
    {
        var behavior = string.IsNullOrEmpty(body.Behavior) ? SessionBehavior.Release : body.Behavior;
        if (behavior is not (SessionBehavior.Release or SessionBehavior.Delete))
        {
            throw ServerError($"Invalid Behavior setting '{behavior}'");
        }
        var ttl = body.TTL ?? "";
        if (ttl.Length > 0)
        {
            if (!GoDuration.TryParse(ttl, out var duration, out var error))
            {
                throw ServerError($"Session TTL '{ttl}' invalid: {error}");
            }
            if (duration != TimeSpan.Zero && (duration < MinTtl || duration > MaxTtl))
            {
                throw ServerError(string.Create(CultureInfo.InvariantCulture,
                    $"Invalid Session TTL '{GoDuration.ToNanoseconds(duration)}', must be between [{GoDuration.Format(MinTtl)}={GoDuration.Format(MaxTtl)}]"));
            }
            if (duration == TimeSpan.Zero)
            {
                ttl = "";
            }
        }
        // The legacy Checks stand for the node checks when NodeChecks is not given.
        var nodeChecks = body.NodeChecks ?? body.Checks ?? [LocalAgent.SerfCheckId];
        return new SessionEntry
        {
            ID = Guid.NewGuid().ToString(),
            Name = body.Name ?? "",
            Node = string.IsNullOrEmpty(body.Node) ? agentNode : body.Node,
            LockDelay = body.LockDelay is { } delay ? LockDelay(delay) : DefaultLockDelay,
            Behavior = behavior,
            TTL = ttl,
            NodeChecks = [.. nodeChecks.Distinct(StringComparer.Ordinal)],
            ServiceChecks = [.. (body.ServiceChecks ?? []).Select(c => new SessionServiceCheck(c.ID ?? "", c.Namespace ?? ""))],
        };
    }

    private static TimeSpan LockDelay(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return DefaultLockDelay;
            case JsonValueKind.Number when value.TryGetInt64(out var number) && number >= 0:
                return number < LockDelaySecondsBelow ? TimeSpan.FromSeconds(number) : GoDuration.FromNanoseconds(number);
            case JsonValueKind.String when GoDuration.TryParse(value.GetString()!, out var duration, out _) && duration >= TimeSpan.Zero:
                return duration;
            default:
                throw ConsulHttpException.BadRequest($"Request decode failed: invalid LockDelay {value.GetRawText()}");
        }
    }

    private static ConsulHttpException ServerError(string message) => new(StatusCodes.Status500InternalServerError, message);
}
