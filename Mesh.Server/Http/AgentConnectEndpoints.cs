using Mesh.Server.Http.Json;
using Mesh.Server.State.Intentions;

namespace Mesh.Server.Http;

/// <summary>/v1/agent/connect/authorize — may the holder of a client certificate connect to a service?</summary>
internal static class AgentConnectEndpoints
{
    private const string InvalidIdentifier = "ClientCertURI not a valid Connect identifier";

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
        var source = SpiffeService(body.ClientCertURI);
        var intentions = (await call.Services.Reader.QueryAsync(new IntentionsQuery(), State.Queries.QueryOptions.Now, call.Aborted).ConfigureAwait(false)).Value;
        var decision = IntentionEvaluator.Evaluate(intentions, source, body.Target);
        await call.WriteJsonAsync(new AuthorizeJson(decision.Allowed, decision.Reason)).ConfigureAwait(false);
    }

    /// <summary>
    /// The service named by a service identity, spiffe://&lt;trust-domain&gt;/ns/default/dc/&lt;dc&gt;/svc/&lt;name&gt;;
    /// any other URI is a 400, as Consul answers.
    /// </summary>
    internal static string SpiffeService(string uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme != "spiffe" || parsed.Host.Length == 0)
        {
            throw ConsulHttpException.BadRequest(InvalidIdentifier);
        }
        var segments = parsed.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        return segments switch
        {
            ["ns", IntentionJson.DefaultNamespace, "dc", { Length: > 0 }, "svc", { Length: > 0 } service] => service,
            ["ap", "default", "ns", IntentionJson.DefaultNamespace, "dc", { Length: > 0 }, "svc", { Length: > 0 } service] => service,
            ["ns", _, "dc", _, "svc", _] or ["ap", _, "ns", _, "dc", _, "svc", _] =>
                throw ConsulHttpException.BadRequest("ClientCertURI not a valid Service identifier: only the default namespace and partition exist"),
            _ when segments.Length > 0 && segments[0] is "agent" or "mesh" or "server" =>
                throw ConsulHttpException.BadRequest("ClientCertURI not a valid Service identifier"),
            _ => throw ConsulHttpException.BadRequest(InvalidIdentifier),
        };
    }
}
