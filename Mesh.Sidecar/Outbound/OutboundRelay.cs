using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Mesh.Connect.Proxy;
using Mesh.Sidecar.Config;
using Mesh.Sidecar.Listeners;
using Mesh.Sidecar.Telemetry;
using Microsoft.Extensions.Logging;

namespace Mesh.Sidecar.Outbound;

/// <summary>
/// A connection on a tcp upstream's local listener: an instance picked by the upstream's balancer, reached over
/// mTLS (<see cref="MeshConnector"/>: the leaf as client certificate, the destination's SPIFFE service checked), and
/// bytes both ways. An instance that cannot be reached or proven is ejected and the next one tried, as on the HTTP
/// path; when none can be, the client's connection is closed.
/// </summary>
public sealed partial class OutboundRelay(ProxyStateHolder holder, ILogger<OutboundRelay> logger)
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    public async Task HandleAsync(TcpConnection connection, int localPort)
    {
        var state = holder.Current!;
        if (!state.Routes.TryGetValue(localPort, out var route))
        {
            return;
        }
        var destination = route.Upstream.DestinationName;
        // One span for the whole connection: bytes carry no trace context, so it starts a trace of its own.
        using var activity = ProxyTelemetry.Source.StartActivity("mesh.proxy.outbound", ActivityKind.Client);
        activity?.SetTag("mesh.upstream", destination);
        activity?.SetTag("mesh.protocol", ProxyProtocols.Tcp);
        var upstream = await ConnectAsync(state, route, destination);
        if (upstream is null)
        {
            LogNoInstance(logger, destination, localPort);
            activity?.SetStatus(ActivityStatusCode.Error, "no instance could be reached");
            return;
        }
        connection.Attach(upstream);
        await using var client = new NetworkStream(connection.Client, ownsSocket: false);
        await ByteRelay.RunAsync(new RelayEnd(client, connection.Client), new RelayEnd(upstream, null), ProxyTelemetry.Outbound);
    }

    private async Task<SslStream?> ConnectAsync(ProxyState state, UpstreamRoute route, string destination)
    {
        List<UpstreamEndpoint>? tried = null;
        while (route.Balancer.Pick(tried) is { } endpoint)
        {
            try
            {
                using var connect = new CancellationTokenSource(ConnectTimeout);
                return await MeshConnector.ConnectAsync(state.Tls, endpoint.EndPoint, destination, connect.Token);
            }
            catch (Exception e) when (e is SocketException or AuthenticationException or IOException or OperationCanceledException)
            {
                LogUnreachable(logger, destination, endpoint.Key, e.Message);
                route.Balancer.Eject(endpoint);
                (tried ??= []).Add(endpoint);
            }
        }
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream {Destination}: instance {Instance} unreachable: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string destination, string instance, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream {Destination}: no instance could be reached; closing the connection on port {Port}")]
    private static partial void LogNoInstance(ILogger logger, string destination, int port);
}
