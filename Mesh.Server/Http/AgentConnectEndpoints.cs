using Mesh.Connect;
using Mesh.Connect.Intentions;
using Mesh.Server.Http.Json;
using Mesh.Server.State.Intentions;

namespace Mesh.Server.Http;

/// <summary>/v1/agent/connect/authorize — may the holder of a client certificate connect to a service?</summary>
internal static class AgentConnectEndpoints
{
    public static void Map(ConsulRoutes routes) =>
        routes.MapPost("/agent/connect/authorize", RouteScope.Local, AuthorizeAsync);

    private static async Task AuthorizeAsync(ConsulCall call)
    {
        var body = await call.ReadBodyAsync<AuthorizeBody>().ConfigureAwait(false);
        if (string.IsNullOrEmpty(body.Target))
        {
            throw ConsulHttpException.BadRequest("Target service must be specified");
        }
        if (string.IsNullOrEmpty(body.ClientCertURI))
        {
            throw ConsulHttpException.BadRequest("ClientCertURI must be specified");
        }
        var identity = SpiffeIds.ParseService(body.ClientCertURI);
        var source = identity.Id?.Service ?? throw ConsulHttpException.BadRequest(identity.Error!);
        var intentions = (await call.Services.Reader.QueryAsync(new IntentionsQuery(), State.Queries.QueryOptions.Now, call.Aborted).ConfigureAwait(false)).Value;
        var decision = IntentionEvaluator.Evaluate(intentions, source, body.Target, defaultAllow: call.Services.IntentionDefaultAllow);
        await call.WriteJsonAsync(new AuthorizeJson(decision.Allowed, decision.Reason)).ConfigureAwait(false);
    }
}
