using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Mesh.Connect;
using Mesh.Connect.Proxy;
using Mesh.Sidecar.Config;
using Mesh.Sidecar.Listeners;
using Mesh.Sidecar.Telemetry;
using Mesh.Sidecar.Tls;

namespace Mesh.Sidecar.Inbound;

/// <summary>
/// A connection on a tcp service's public listener: the mTLS handshake of the HTTP path (<see cref="InboundTls"/>:
/// mesh roots, trust domain, L4 intention of the peer's SPIFFE service), then one authorization of that service for
/// the byte stream, a connection to the local app, and bytes both ways. A later deny closes it (<see cref="StillAllowed"/>).
/// </summary>
public sealed class InboundRelay(ProxyStateHolder holder, InboundTls tls)
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    public static bool StillAllowed(TcpConnection connection, ProxyState state) =>
        connection.Source is not { } source || state.Authorizer.Stream(source);

    public async Task HandleAsync(TcpConnection connection)
    {
        var ssl = new SslStream(new NetworkStream(connection.Client, ownsSocket: false));
        connection.Attach(ssl);
        using (var handshake = new CancellationTokenSource(HandshakeTimeout))
        {
            await ssl.AuthenticateAsServerAsync(tls.OptionsFor(holder.Current!), handshake.Token);
        }
        // The handshake's callback verified the chain; the certificate names the peer's service.
        if (ssl.RemoteCertificate is not X509Certificate2 certificate
            || PeerCertificate.UriSan(certificate) is not { } uri
            || SpiffeIds.ParseService(uri).Id is not { } peer)
        {
            return;
        }
        // Recorded before the check, so that a state applied after the check still finds the connection to re-check.
        connection.Source = peer.Service;
        var state = holder.Current!;
        if (!state.Authorizer.Stream(peer.Service))
        {
            ProxyTelemetry.Denied.Add(1, new KeyValuePair<string, object?>("direction", ProxyTelemetry.Inbound));
            return;
        }
        // One span for the whole connection: bytes carry no trace context, so it starts a trace of its own.
        using var activity = ProxyTelemetry.Source.StartActivity("mesh.proxy.inbound", ActivityKind.Server);
        activity?.SetTag("mesh.source", peer.Service);
        activity?.SetTag("mesh.destination", state.Snapshot.Service);
        activity?.SetTag("mesh.protocol", ProxyProtocols.Tcp);
        var app = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        connection.Attach(app);
        using (var connect = new CancellationTokenSource(ConnectTimeout))
        {
            await app.ConnectAsync(state.LocalAppEndPoint, connect.Token);
        }
        await using var appStream = new NetworkStream(app, ownsSocket: false);
        await ByteRelay.RunAsync(new RelayEnd(ssl, connection.Client), new RelayEnd(appStream, app), ProxyTelemetry.Inbound);
    }
}
