namespace Mesh.Server.Gossip;

/// <summary>User events: firing one to the whole pool, and handing on those that arrive.</summary>
public sealed partial class GossipAgent
{
    private Action<GossipUserEvent>? _userEventHandler;

    /// <summary>
    /// Hands every user event this agent receives (its own too) to <paramref name="handler"/>, in arrival order.
    /// It runs under the agent's lock: it must be quick and must not call back into the agent.
    /// </summary>
    public void HandleUserEvents(Action<GossipUserEvent> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            _userEventHandler = handler;
        }
    }

    /// <summary>Gossips a user event to every member. Throws <see cref="ArgumentException"/> when it is too large.</summary>
    public void FireUserEvent(string name, byte[] payload)
    {
        var fired = false;
        Run(node =>
        {
            var actions = node.FireUserEvent(name, payload);
            fired = true;
            return actions;
        });
        ObjectDisposedException.ThrowIf(!fired, this);
    }

    private void DeliverUserEvent(GossipUserEvent userEvent) => _userEventHandler?.Invoke(userEvent);
}
