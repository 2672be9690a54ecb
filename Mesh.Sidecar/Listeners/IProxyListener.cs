using Mesh.Sidecar.Config;

namespace Mesh.Sidecar.Listeners;

/// <summary>A running listener the reconciler owns: HTTP (<see cref="ProxyListener"/>) or L4 (<see cref="TcpRelayListener"/>).</summary>
public interface IProxyListener : IAsyncDisposable
{
    /// <summary>What the listener serves; a listener whose key changes is replaced.</summary>
    string Key { get; }

    /// <summary>Told of every new state; a listener that holds per-connection decisions revisits them.</summary>
    void Apply(ProxyState state);
}
