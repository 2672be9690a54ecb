using System.Net;

namespace Mesh.Server.Gossip;

/// <summary>Something the protocol core asks its host to do; the host performs actions in order.</summary>
public abstract record GossipAction;

/// <summary>Send one datagram (plaintext; the transport encrypts).</summary>
public sealed record SendPacket(IPEndPoint To, byte[] Payload) : GossipAction;

/// <summary>
/// Open a stream to <paramref name="To"/>, write <paramref name="Request"/>, read one reply frame, then report it
/// with <see cref="GossipNode.StreamCompleted"/> or <see cref="GossipNode.StreamFailed"/>.
/// </summary>
public sealed record OpenStream(long StreamId, IPEndPoint To, byte[] Request, TimeSpan Timeout) : GossipAction;

/// <summary>A member changed state or metadata.</summary>
public sealed record NotifyMember(MemberEvent Event) : GossipAction;

/// <summary>The join exchange on stream <paramref name="StreamId"/> finished.</summary>
public sealed record JoinFinished(long StreamId, IPEndPoint Address, bool Succeeded, string? Error) : GossipAction;

/// <summary>The leave broadcast was sent as often as the retransmit limit asks (or nobody is left to tell).</summary>
public sealed record LeaveFinished : GossipAction;

/// <summary>
/// A query reached this member (its own queries too): run the handler for its name and answer with
/// <see cref="GossipNode.RespondToQuery"/>, or not at all.
/// </summary>
public sealed record AnswerQuery(GossipQuery Query) : GossipAction;

/// <summary>A member answered query <paramref name="QueryId"/> of this node (each member once).</summary>
public sealed record QueryResponseReceived(uint QueryId, string From, byte[] Payload) : GossipAction;

/// <summary>
/// Query <paramref name="QueryId"/> of this node ended: all <paramref name="Expected"/> members alive at its start
/// answered, or its timeout passed with <paramref name="Answered"/> answers.
/// </summary>
public sealed record QueryFinished(uint QueryId, int Expected, int Answered) : GossipAction;

/// <summary>A user event reached this member for the first time (its own too): hand it to the application.</summary>
public sealed record DeliverUserEvent(GossipUserEvent Event) : GossipAction;
