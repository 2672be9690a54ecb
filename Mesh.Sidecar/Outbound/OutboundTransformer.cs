using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Mesh.Sidecar.Outbound;

/// <summary>YARP's default request copy, plus the upstream the request is for, which the TLS connector verifies.</summary>
public sealed class OutboundTransformer(UpstreamTarget target) : HttpTransformer
{
    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        proxyRequest.Options.Set(MeshConnector.Target, target);
    }
}
