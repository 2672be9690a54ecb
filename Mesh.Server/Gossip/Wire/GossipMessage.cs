using System.Net;

namespace Mesh.Server.Gossip;

/// <summary>A decoded gossip message; the protocol core consumes and produces these.</summary>
internal abstract record GossipMessage;

/// <summary>A direct probe; <paramref name="Target"/> guards against probing a reused address.</summary>
internal sealed record PingMessage(uint SeqNo, string Target, string SourceName, IPEndPoint SourceAddress) : GossipMessage;

/// <summary>Asks a peer to probe <paramref name="Target"/> for us (SWIM's ping-req).</summary>
internal sealed record PingReqMessage(
    uint SeqNo, string Target, IPEndPoint TargetAddress, bool WantNack, string SourceName, IPEndPoint SourceAddress) : GossipMessage;

internal sealed record AckMessage(uint SeqNo) : GossipMessage;

/// <summary>A relay's "I could not reach the target either" (Lifeguard: tells the prober its own path is fine).</summary>
internal sealed record NackMessage(uint SeqNo) : GossipMessage;

internal sealed record SuspectMessage(uint Incarnation, string Node, string From) : GossipMessage;

internal sealed record AliveMessage(uint Incarnation, string Node, IPEndPoint Address, MemberMetadata Metadata) : GossipMessage;

/// <summary>Declares a member dead; when <c>From == Node</c> the member left gracefully.</summary>
internal sealed record DeadMessage(uint Incarnation, string Node, string From) : GossipMessage;

/// <summary>A full state exchange sent over a stream, on join and periodically (anti-entropy).</summary>
internal sealed record PushPullMessage(bool Join, IReadOnlyList<PushNodeState> Nodes) : GossipMessage;

internal sealed record PushNodeState(string Name, IPEndPoint Address, MemberMetadata Metadata, uint Incarnation, MemberState State);

/// <summary>
/// A question for every member (serf's query), gossiped like a broadcast: each member answers
/// <paramref name="Origin"/> directly within <paramref name="TimeoutMs"/>, also through <paramref name="RelayFactor"/>
/// other members when asked. <paramref name="Origin"/> and <paramref name="Id"/> identify it for deduplication.
/// </summary>
internal sealed record QueryMessage(
    uint Id, string Name, string Origin, IPEndPoint OriginAddress, uint TimeoutMs, byte RelayFactor, byte[] Payload) : GossipMessage;

/// <summary>One member's answer to query <paramref name="Id"/>: over UDP when it fits a packet, else over a stream.</summary>
internal sealed record QueryResponseMessage(uint Id, string From, byte[] Payload) : GossipMessage;

/// <summary>Asks a member to forward a query response to <paramref name="Target"/>, for redundancy on lossy links.</summary>
internal sealed record RelayMessage(IPEndPoint Target, QueryResponseMessage Response) : GossipMessage;

/// <summary>Serf's user event: a name and payload for every member, stamped with the sender's Lamport time.</summary>
internal sealed record UserEventMessage(ulong LTime, string Name, byte[] Payload) : GossipMessage;
