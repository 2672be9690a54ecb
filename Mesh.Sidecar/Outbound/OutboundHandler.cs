using System.Diagnostics;
using System.Net;
using Mesh.Sidecar.Config;
using Mesh.Sidecar.Telemetry;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Mesh.Sidecar.Outbound;

/// <summary>
/// A request on one upstream's local listener: forwarded over mTLS to a destination sidecar picked by the
/// upstream's balancer. An instance that cannot be connected to is ejected for a while and the request, which has
/// then reached nobody, goes to the next instance.
/// </summary>
public sealed class OutboundHandler(ProxyStateHolder holder, IHttpForwarder forwarder)
{
    private static readonly ForwarderRequestConfig RequestConfig = new()
    {
        ActivityTimeout = TimeSpan.FromSeconds(100),
        Version = HttpVersion.Version11,
        VersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    public async Task HandleAsync(HttpContext context, int localPort)
    {
        var start = Stopwatch.GetTimestamp();
        var (state, invoker) = Lease();
        string? destination = null;
        try
        {
            using var activity = ProxyTelemetry.StartRequest("mesh.proxy.outbound", ActivityKind.Client, context);
            if (!state.Routes.TryGetValue(localPort, out var route))
            {
                await RefuseAsync(context, $"no upstream is configured on port {localPort}");
                return;
            }
            destination = route.Upstream.DestinationName;
            activity?.SetTag("mesh.upstream", destination);
            await ForwardAsync(context, route, invoker);
            activity?.SetTag("http.response.status_code", context.Response.StatusCode);
        }
        finally
        {
            invoker.Release();
            ProxyTelemetry.Record(ProxyTelemetry.Outbound, destination, context.Response.StatusCode, start);
        }
    }

    private async Task ForwardAsync(HttpContext context, UpstreamRoute route, UpstreamInvoker invoker)
    {
        List<UpstreamEndpoint>? tried = null;
        while (route.Balancer.Pick(tried) is { } endpoint)
        {
            var error = await forwarder.SendAsync(context, endpoint.Prefix, invoker.Invoker, RequestConfig, route.Transformer);
            if (error == ForwarderError.None || !IsConnectFailure(context))
            {
                return;
            }
            route.Balancer.Eject(endpoint);
            (tried ??= []).Add(endpoint);
            if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
            {
                return;
            }
            // Nothing reached the instance: undo the forwarder's 502 and let another instance answer.
            context.Features.Set<IForwarderErrorFeature>(null);
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status200OK;
        }
        await RefuseAsync(context, tried is null
            ? $"no healthy instance of {route.Upstream.DestinationName}"
            : $"no instance of {route.Upstream.DestinationName} could be reached");
    }

    private static bool IsConnectFailure(HttpContext context) =>
        context.Features.Get<IForwarderErrorFeature>()?.Exception is HttpRequestException
        {
            HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError or HttpRequestError.NameResolutionError,
        };

    private static async Task RefuseAsync(HttpContext context, string reason)
    {
        if (context.Response.HasStarted)
        {
            return;
        }
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(reason + "\n", context.RequestAborted);
    }

    /// <summary>The current state and a lease on its client; a rotation between the two reads is simply retried.</summary>
    private (ProxyState State, UpstreamInvoker Invoker) Lease()
    {
        while (true)
        {
            var state = holder.Current!;
            if (state.Outbound.TryLease())
            {
                return (state, state.Outbound);
            }
        }
    }
}
