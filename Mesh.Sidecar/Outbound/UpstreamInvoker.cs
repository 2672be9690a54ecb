using System.Diagnostics;
using Mesh.Sidecar.Tls;
using Yarp.ReverseProxy.Forwarder;

namespace Mesh.Sidecar.Outbound;

/// <summary>
/// The pooled client to destination sidecars for one leaf and set of roots. A rotation builds a new one for new
/// requests and retires this one: it is disposed, closing its pooled connections, only once the last request that
/// leased it has finished, so a rotation drops nothing.
/// </summary>
public sealed class UpstreamInvoker
{
    private int _leases = 1; // The owner's lease, given up by Retire.

    public UpstreamInvoker(TlsMaterial tls)
    {
        Tls = tls;
        Invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            // Replaces the caller's traceparent with the outbound span's, so the trace continues through this hop.
            ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
            ConnectCallback = (context, cancellationToken) => MeshConnector.ConnectAsync(tls, context, cancellationToken),
        }, disposeHandler: true);
    }

    public TlsMaterial Tls { get; }

    public HttpMessageInvoker Invoker { get; }

    /// <summary>Takes a lease for one request, or false when the invoker is already disposed (a rotation won the race).</summary>
    public bool TryLease()
    {
        var leases = Volatile.Read(ref _leases);
        while (leases > 0)
        {
            var seen = Interlocked.CompareExchange(ref _leases, leases + 1, leases);
            if (seen == leases)
            {
                return true;
            }
            leases = seen;
        }
        return false;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _leases) == 0)
        {
            Invoker.Dispose();
        }
    }

    /// <summary>No new leases go out after this (the owner swapped in a successor); the last lease disposes.</summary>
    public void Retire() => Release();
}
