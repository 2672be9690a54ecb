namespace Mesh.Server.Agent;

/// <summary>
/// Ends in-flight requests when the agent stops. A blocking query (up to 10 minutes) or a forwarded one on agent RPC
/// otherwise holds Kestrel's graceful shutdown for the host's whole shutdown timeout: a stopped server took 30 s to
/// exit while a client agent watched it. Clients see the connection end and retry elsewhere, as with Consul.
/// </summary>
internal static class ShutdownEndsRequests
{
    public static void UseShutdownEndsRequests(this WebApplication app)
    {
        var stopping = app.Lifetime.ApplicationStopping;
        app.Use(async (context, next) =>
        {
            using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
            context.RequestAborted = ended.Token;
            await next(context).ConfigureAwait(false);
        });
    }
}
