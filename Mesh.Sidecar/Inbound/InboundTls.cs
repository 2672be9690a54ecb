using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Mesh.Sidecar.Config;
using Mesh.Sidecar.Telemetry;
using Mesh.Sidecar.Tls;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Mesh.Sidecar.Inbound;

/// <summary>
/// The public listener's TLS, chosen per handshake from the current state: TLS 1.3, the current leaf, a client
/// certificate required and accepted only if it chains to the mesh roots, names a service of this trust domain,
/// and no L4 intention denies that service. A new leaf or new roots apply to the next handshake, without a restart.
/// </summary>
public sealed class InboundTls(ProxyStateHolder holder)
{
    private volatile CachedOptions? _cached;

    public TlsHandshakeCallbackOptions Handshake => new()
    {
        OnConnection = _ => ValueTask.FromResult(OptionsFor(holder.Current ?? throw new InvalidOperationException("no proxy configuration yet"))),
    };

    /// <summary>The handshake options for <paramref name="state"/>'s material, built once per material.</summary>
    public SslServerAuthenticationOptions OptionsFor(ProxyState state)
    {
        if (_cached is { } hit && hit.Material == state.Tls)
        {
            return hit.Options;
        }
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = state.Tls.CertificateContext,
            EnabledSslProtocols = SslProtocols.Tls13,
            ClientCertificateRequired = true,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, _, _) => Accept(certificate),
        };
        _cached = new CachedOptions(state.Tls, options);
        return options;
    }

    // The chain Kestrel offers was built against the system store; ours trusts the mesh roots only.
    private bool Accept(X509Certificate? certificate)
    {
        var state = holder.Current!;
        var verification = PeerCertificate.Verify(certificate, state.Tls.Roots, state.Tls.TrustDomain);
        if (verification.Service is not { } service)
        {
            return false;
        }
        if (state.Authorizer.Connection(service.Service).Allowed)
        {
            return true;
        }
        ProxyTelemetry.Denied.Add(1, new KeyValuePair<string, object?>("direction", ProxyTelemetry.Inbound));
        return false;
    }

    private sealed record CachedOptions(TlsMaterial Material, SslServerAuthenticationOptions Options);
}
