using System.Threading.Channels;
using Mesh.Connect.Proxy;
using Mesh.Sidecar.Outbound;
using Mesh.Sidecar.Tls;

namespace Mesh.Sidecar.Config;

/// <summary>
/// The current <see cref="ProxyState"/>. Applying a snapshot rebuilds TLS (and the outbound client) only when the
/// leaf or roots changed (a leaf of a brand-new root a little later, see <see cref="TlsRotation"/>), keeps each
/// upstream's balancer, and wakes the listener reconciler.
/// </summary>
public sealed class ProxyStateHolder(TimeProvider time) : IDisposable
{
    private readonly TlsRotation _rotation = new(time);
    private readonly Dictionary<string, InstanceBalancer> _balancers = new(StringComparer.Ordinal);
    private readonly Channel<ProxyState> _changes = Channel.CreateBounded<ProxyState>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly Lock _applying = new();
    private volatile ProxyState? _current;
    private ITimer? _adoptLeaf;

    public ProxyState? Current => _current;

    /// <summary>The latest applied state, each once; a state superseded before it was read is skipped.</summary>
    public ChannelReader<ProxyState> Changes => _changes.Reader;

    public ProxyState Apply(ProxySnapshot snapshot)
    {
        lock (_applying)
        {
            var previous = _current;
            var (tls, adoptLeafIn) = _rotation.Choose(snapshot, previous?.Tls);
            var outbound = previous?.Outbound is { } invoker && invoker.Tls == tls ? invoker : new UpstreamInvoker(tls);
            _adoptLeaf?.Dispose();
            // Looks again at this snapshot (unless a newer one came) once its held-back leaf may be used.
            _adoptLeaf = adoptLeafIn is { } due ? time.CreateTimer(_ => ApplyIfLatest(snapshot), null, due, Timeout.InfiniteTimeSpan) : null;
            var routes = new Dictionary<int, UpstreamRoute>();
            foreach (var upstream in snapshot.Upstreams)
            {
                if (!_balancers.TryGetValue(upstream.DestinationName, out var balancer))
                {
                    _balancers[upstream.DestinationName] = balancer = new InstanceBalancer(time);
                }
                balancer.Update(upstream.Instances);
                var transformer = previous?.Routes.GetValueOrDefault(upstream.LocalBindPort) is { } route && route.Upstream.DestinationName == upstream.DestinationName
                    ? route.Transformer
                    : new OutboundTransformer(new UpstreamTarget(upstream.DestinationName));
                routes[upstream.LocalBindPort] = new UpstreamRoute(upstream, balancer, transformer);
            }
            foreach (var gone in _balancers.Keys.Except(snapshot.Upstreams.Select(u => u.DestinationName)).ToList())
            {
                _balancers.Remove(gone);
            }
            var state = new ProxyState(snapshot, outbound, routes);
            _current = state;
            if (previous is not null && previous.Outbound != outbound)
            {
                previous.Outbound.Retire();
            }
            _changes.Writer.TryWrite(state);
            return state;
        }
    }

    public void Dispose() => _adoptLeaf?.Dispose();

    private void ApplyIfLatest(ProxySnapshot snapshot)
    {
        lock (_applying)
        {
            if (_current?.Snapshot == snapshot)
            {
                Apply(snapshot);
            }
        }
    }
}
