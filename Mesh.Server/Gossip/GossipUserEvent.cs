namespace Mesh.Server.Gossip;

/// <summary>A user event as a member receives it: its name, payload and the sender's Lamport time.</summary>
public sealed record GossipUserEvent(string Name, byte[] Payload, ulong LTime);
