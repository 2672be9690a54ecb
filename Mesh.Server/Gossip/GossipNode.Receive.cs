using System.Net;

namespace Mesh.Server.Gossip;

/// <summary>The packet receive path: size check, strict decode, then dispatch; bad input is counted, never thrown.</summary>
public sealed partial class GossipNode
{
    private readonly List<GossipMessage> _decoded = [];

    public IReadOnlyList<GossipAction> ReceivePacket(ReadOnlySpan<byte> packet, IPEndPoint from)
    {
        EnsureStarted();
        _decoded.Clear();
        var error = packet.Length > _options.MaxPacketSize ? DropReason.Oversized : MessageCodec.DecodePacket(packet, _decoded);
        if (error is not null)
        {
            Dropped(error.Value);
            return Flush();
        }
        foreach (var message in _decoded)
        {
            Dispatch(message);
        }
        return Flush();
    }

    private void Dispatch(GossipMessage message)
    {
        switch (message)
        {
            case PingMessage ping:
                HandlePing(ping);
                break;
            case PingReqMessage request:
                HandlePingReq(request);
                break;
            case AckMessage ack:
                HandleAck(ack.SeqNo);
                break;
            case NackMessage nack:
                HandleNack(nack.SeqNo);
                break;
            case SuspectMessage suspect:
                SuspectNode(suspect);
                break;
            case AliveMessage alive:
                AliveNode(alive, bootstrap: false);
                break;
            case DeadMessage dead:
                DeadNode(dead);
                break;
            case QueryMessage query:
                ReceiveQuery(query);
                break;
            case QueryResponseMessage response:
                ReceiveQueryResponse(response);
                break;
            case RelayMessage relay:
                Send(relay.Target, relay.Response);
                break;
            case UserEventMessage userEvent:
                ReceiveUserEvent(userEvent);
                break;
        }
    }
}
