using Mesh.Server.Gossip;

namespace Mesh.Server.Agent.Membership;

/// <summary>How user events travel between agents: over the LAN gossip pool, or to this agent alone without gossip.</summary>
public interface IUserEventGossip
{
    /// <summary>Sends an event to every member, this agent included. Throws <see cref="ArgumentException"/> when it is too large.</summary>
    void FireUserEvent(string name, byte[] payload);

    /// <summary>Hands every event this agent receives to <paramref name="handler"/>; it must be quick.</summary>
    void HandleUserEvents(Action<GossipUserEvent> handler);
}
