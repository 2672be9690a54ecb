using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Mesh.Sidecar.Tls;

namespace Mesh.Sidecar.Outbound;

/// <summary>
/// Opens the mTLS connection to a destination sidecar for <see cref="SocketsHttpHandler.ConnectCallback"/>: TLS 1.3,
/// the leaf as client certificate, the server's chain checked against the mesh roots and its SPIFFE service against
/// the upstream the request is for. Doing TLS here (the handler sees plain http://) lets the check know that upstream.
/// </summary>
public static class MeshConnector
{
    /// <summary>The destination service a forwarded request must reach; set by the outbound transformer.</summary>
    public static readonly HttpRequestOptionsKey<UpstreamTarget> Target = new("mesh.upstream");

    public static async ValueTask<Stream> ConnectAsync(TlsMaterial tls, SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        if (!context.InitialRequestMessage.Options.TryGetValue(Target, out var target))
        {
            throw new InvalidOperationException("an outbound request carries no upstream");
        }
        return await ConnectAsync(tls, context.DnsEndPoint, target.DestinationName, cancellationToken);
    }

    /// <summary>An mTLS stream (owning its socket) to the sidecar at <paramref name="endpoint"/>, proven to front <paramref name="destination"/>.</summary>
    public static async ValueTask<SslStream> ConnectAsync(TlsMaterial tls, EndPoint endpoint, string destination, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken);
            var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true));
            string? refusal = null;
            var options = new SslClientAuthenticationOptions
            {
                TargetHost = destination,
                EnabledSslProtocols = SslProtocols.Tls13,
                CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
                ClientCertificateContext = tls.CertificateContext,
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    refusal = Refusal(PeerCertificate.Verify(certificate, tls.Roots, tls.TrustDomain), destination);
                    return refusal is null;
                },
            };
            try
            {
                await ssl.AuthenticateAsClientAsync(options, cancellationToken);
            }
            catch (AuthenticationException e) when (refusal is not null)
            {
                await ssl.DisposeAsync();
                throw new AuthenticationException($"{endpoint} is not {destination}: {refusal}", e);
            }
            catch
            {
                await ssl.DisposeAsync();
                throw;
            }
            return ssl;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static string? Refusal(PeerVerification verification, string destination) => verification switch
    {
        { Error: { } error } => error,
        { Service.Service: var service } when service != destination => $"it presents service {service}",
        _ => null,
    };
}

/// <summary>What an outbound request is for; one instance per upstream, so requests allocate nothing for it.</summary>
public sealed record UpstreamTarget(string DestinationName);
