using System.Text;

namespace Mesh.Server.Gossip;

/// <summary>
/// Serf's user events: a name and a small payload gossiped to every member like any broadcast, best effort. Each
/// carries the sender's Lamport time; a member delivers an event once (the same time, name and payload) and gossips
/// it on, as memberlist does with membership news.
/// </summary>
public sealed partial class GossipNode
{
    /// <summary>Serf's UserEventSizeLimit: the most bytes of name plus payload one event may carry.</summary>
    public const int MaxUserEventSize = 512;

    /// <summary>How many Lamport times of events are remembered to drop repeats (Serf's EventBuffer).</summary>
    private const int UserEventMemory = 512;

    private readonly SortedDictionary<ulong, List<UserEventMessage>> _seenEvents = [];

    // Starts at 1 as Serf's does, so that 0 means "not yet stamped" in what applications show.
    private ulong _eventClock = 1;

    /// <summary>Throws <see cref="ArgumentException"/> with Serf's message when an event is too large or unnamed.</summary>
    public static void CheckUserEvent(string name, int payloadLength)
    {
        ArgumentNullException.ThrowIfNull(name);
        var nameLength = Encoding.UTF8.GetByteCount(name);
        if (nameLength + payloadLength > MaxUserEventSize)
        {
            // Messages without a parameter name: the API answers them as they are.
            throw new ArgumentException($"user event exceeds configured limit of {MaxUserEventSize} bytes before encoding");
        }
        if (nameLength is 0 or > byte.MaxValue)
        {
            throw new ArgumentException($"gossip: a user event name must be 1 to {byte.MaxValue} bytes");
        }
    }

    /// <summary>
    /// Stamps an event with the clock and gossips it to every member; the actions include its
    /// <see cref="DeliverUserEvent"/> for this member. Throws <see cref="ArgumentException"/> when it is too large.
    /// </summary>
    public IReadOnlyList<GossipAction> FireUserEvent(string name, ReadOnlySpan<byte> payload)
    {
        EnsureStarted();
        if (_left)
        {
            throw new InvalidOperationException("gossip: the node has left");
        }
        CheckUserEvent(name, payload.Length);
        ReceiveUserEvent(new UserEventMessage(_eventClock, name, payload.ToArray()));
        return Flush();
    }

    private void ReceiveUserEvent(UserEventMessage message)
    {
        if (_left)
        {
            return;
        }
        // Lamport's rule: after seeing time t the next local stamp is above t.
        _eventClock = Math.Max(_eventClock, message.LTime + 1);
        if (!_seenEvents.TryGetValue(message.LTime, out var seen))
        {
            _seenEvents[message.LTime] = seen = [];
        }
        else if (seen.Exists(other => other.Name == message.Name && other.Payload.AsSpan().SequenceEqual(message.Payload)))
        {
            return;
        }
        seen.Add(message);
        // Bounded by count, not by age: without Serf's push-pull of the event clock a restarted member stamps low
        // times for a while, and refusing those as old would lose its events.
        while (_seenEvents.Count > UserEventMemory)
        {
            _seenEvents.Remove(_seenEvents.Keys.First());
        }
        _broadcasts.Enqueue(null, MessageCodec.Encode(message));
        _outbox.Add(new DeliverUserEvent(new GossipUserEvent(message.Name, message.Payload, message.LTime)));
    }
}
