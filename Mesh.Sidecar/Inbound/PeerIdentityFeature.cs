using Mesh.Connect;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Mesh.Sidecar.Tls;

namespace Mesh.Sidecar.Inbound;

/// <summary>The source service of an mTLS connection, read from its client certificate once per connection.</summary>
public sealed record PeerIdentityFeature(SpiffeServiceId Service)
{
    /// <summary>Runs after the TLS handshake (which verified the chain) and sets the feature requests read.</summary>
    public static void Use(ListenOptions listen) => listen.Use(next => connection =>
    {
        var certificate = connection.Features.Get<ITlsConnectionFeature>()?.ClientCertificate;
        if (certificate is not null && PeerCertificate.UriSan(certificate) is { } uri && SpiffeIds.ParseService(uri).Id is { } id)
        {
            connection.Features.Set(new PeerIdentityFeature(id));
        }
        return next(connection);
    });
}
