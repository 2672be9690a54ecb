using System.Diagnostics;
using System.Net;
using Mesh.Sidecar.Config;
using Mesh.Sidecar.Telemetry;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Mesh.Sidecar.Inbound;

/// <summary>
/// A request on the public listener: intentions decide for the connection's source service against the current
/// state, so a flipped intention applies to open keep-alive connections at their next request (an L4 deny aborts
/// the connection, an L7 deny answers 403 naming the intention); an allowed request goes to the local app.
/// </summary>
public sealed class InboundHandler(ProxyStateHolder holder, IHttpForwarder forwarder, LocalAppInvoker local)
{
    private static readonly ForwarderRequestConfig RequestConfig = new()
    {
        ActivityTimeout = TimeSpan.FromSeconds(100),
        Version = HttpVersion.Version11,
        VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
    };

    public async Task HandleAsync(HttpContext context)
    {
        var start = Stopwatch.GetTimestamp();
        var state = holder.Current!;
        using var activity = ProxyTelemetry.StartRequest("mesh.proxy.inbound", ActivityKind.Server, context);
        var source = context.Features.Get<PeerIdentityFeature>()?.Service.Service;
        var decision = source is null ? null : state.Authorizer.Request(source, context.Request);
        activity?.SetTag("mesh.source", source);
        activity?.SetTag("mesh.destination", state.Snapshot.Service);
        if (decision is not { Allowed: true })
        {
            ProxyTelemetry.Denied.Add(1, new KeyValuePair<string, object?>("direction", ProxyTelemetry.Inbound));
            if (decision?.Governing is not { HasPermissions: true })
            {
                // An L4 deny refuses the connection itself, including one opened before the intention changed.
                context.Abort();
                return;
            }
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync($"RBAC: access denied: {decision.Reason}\n", context.RequestAborted);
        }
        else
        {
            await forwarder.SendAsync(context, state.LocalAppPrefix, local.Invoker, RequestConfig, HttpTransformer.Default);
        }
        activity?.SetTag("http.response.status_code", context.Response.StatusCode);
        ProxyTelemetry.Record(ProxyTelemetry.Inbound, null, context.Response.StatusCode, start);
    }
}
