using System.Net;

namespace Mesh.Server.Gossip;

/// <summary>
/// Spreading alive/suspect/dead notices: queued broadcasts piggyback on every packet we send and are gossiped to
/// GossipNodes random members every GossipInterval, each until its retransmit limit.
/// </summary>
public sealed partial class GossipNode
{
    private readonly BroadcastQueue _broadcasts = new();

    /// <summary>Broadcasts still waiting to reach their retransmit limit.</summary>
    public int PendingBroadcasts => _broadcasts.Count;

    /// <summary>Plaintext bytes a packet may use, leaving room for the encryption envelope.</summary>
    private int PacketBudget => _options.MaxPacketSize - GossipCipher.PacketOverhead;

    private void GossipTick()
    {
        _timers.Schedule(Now + _options.GossipInterval, GossipTick);
        var now = Now;
        var targets = RandomMembers(_options.GossipNodes, member =>
            member.Name == Name ||
            member.State == MemberState.Left ||
            (member.State == MemberState.Dead && now - member.StateChange > _options.GossipToTheDeadTime));
        foreach (var target in targets)
        {
            var messages = TakeBroadcasts(PacketBudget - MessageCodec.CompoundHeaderOverhead);
            if (messages.Count == 0)
            {
                return;
            }
            SendPacket(target.Address, messages);
        }
    }

    private void Broadcast(string member, GossipMessage message, Action? finished = null) =>
        _broadcasts.Enqueue(member, MessageCodec.Encode(message), finished);

    private List<byte[]> TakeBroadcasts(int budget) =>
        _broadcasts.Take(
            MessageCodec.CompoundPartOverhead,
            budget,
            GossipMath.RetransmitLimit(_options.RetransmitMult, _nodes.Count),
            MessageCodec.MaxCompoundParts - 1);

    /// <summary>Sends <paramref name="message"/> with as many pending broadcasts as fit alongside it.</summary>
    private void Send(IPEndPoint to, GossipMessage message)
    {
        var encoded = MessageCodec.Encode(message);
        var room = PacketBudget - MessageCodec.CompoundHeaderOverhead - MessageCodec.CompoundPartOverhead - encoded.Length;
        List<byte[]> messages = [encoded, .. TakeBroadcasts(room)];
        SendPacket(to, messages);
    }

    private void SendPacket(IPEndPoint to, List<byte[]> messages) =>
        _outbox.Add(new SendPacket(to, MessageCodec.Packet(messages)));
}
