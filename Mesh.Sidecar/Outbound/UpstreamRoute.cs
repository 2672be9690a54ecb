using Mesh.Connect.Proxy;

namespace Mesh.Sidecar.Outbound;

/// <summary>What the outbound listener on one local port forwards to, built once per snapshot.</summary>
public sealed record UpstreamRoute(ProxyUpstream Upstream, InstanceBalancer Balancer, OutboundTransformer Transformer);
