using System.Net.Sockets;

namespace Mesh.Sidecar.Listeners;

/// <summary>
/// One accepted connection of an L4 listener and whatever its relay opened for it: aborting it closes them all,
/// which ends the relay's pending reads, so a deny or a shutdown closes the connection at once.
/// </summary>
public sealed class TcpConnection(Socket client)
{
    private readonly Lock _gate = new();
    private readonly List<IDisposable> _attached = [];
    private bool _aborted;
    private string? _source;

    public Socket Client { get; } = client;

    /// <summary>The peer's service once its certificate is verified (inbound); intentions are re-checked against it.</summary>
    /// <remarks>
    /// Set with a full fence: the relay then reads the current state, the reconciler publishes a state then reads
    /// this, and without the fence both could miss the other's write and a denied connection stay open.
    /// </remarks>
    public string? Source
    {
        get => Volatile.Read(ref _source);
        set => Interlocked.Exchange(ref _source, value);
    }

    /// <summary>Ties <paramref name="resource"/> to the connection; disposed at once if the connection is already aborted.</summary>
    public void Attach(IDisposable resource)
    {
        lock (_gate)
        {
            if (!_aborted)
            {
                _attached.Add(resource);
                return;
            }
        }
        resource.Dispose();
    }

    public void Abort()
    {
        lock (_gate)
        {
            _aborted = true;
        }
        Client.Dispose();
        foreach (var resource in _attached)
        {
            resource.Dispose();
        }
    }
}
