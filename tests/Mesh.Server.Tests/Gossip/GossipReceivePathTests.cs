using System.Net;
using Mesh.Gossip.Simulation;
using Mesh.Server.Gossip;

namespace Mesh.Server.Tests.Gossip;

/// <summary>The core's receive path: bad input is dropped and counted by reason, never thrown.</summary>
public sealed class GossipReceivePathTests
{
    private static readonly IPEndPoint Peer = new(IPAddress.Parse("10.0.0.9"), 8301);

    private static (GossipNode Node, SimObserver Observer) StartedNode()
    {
        var observer = new SimObserver();
        var node = new GossipNode("me", new IPEndPoint(IPAddress.Parse("10.0.0.1"), 8301), null, null, new SimClock(), new Random(1), observer);
        node.Start();
        return (node, observer);
    }

    [Fact]
    public void Garbage_oversized_and_misaddressed_packets_are_counted_by_reason()
    {
        var (node, observer) = StartedNode();
        var random = new Random(5);

        for (var i = 0; i < 10_000; i++)
        {
            var garbage = new byte[random.Next(0, 200)];
            random.NextBytes(garbage);
            node.ReceivePacket(garbage, Peer);
        }
        node.ReceivePacket(new byte[node.Options.MaxPacketSize + 1], Peer);
        var misaddressed = node.ReceivePacket(MessageCodec.Frame(new PingMessage(1, "someone-else", "peer", Peer)), Peer);

        Assert.Empty(misaddressed);
        Assert.Equal(1, observer.Drops[DropReason.Oversized]);
        Assert.Equal(1, observer.Drops[DropReason.WrongTarget]);
        Assert.True(observer.Drops.GetValueOrDefault(DropReason.UnknownType) > 9_000);
        Assert.Equal(10_002, observer.Drops.Values.Sum());
        Assert.Single(node.Members());
    }

    [Fact]
    public void A_ping_is_acked_to_its_source_and_garbage_streams_get_no_reply()
    {
        var (node, observer) = StartedNode();

        var actions = node.ReceivePacket(MessageCodec.Frame(new PingMessage(77, "me", "peer", Peer)), Peer);
        var reply = node.ReceiveStream([1, 2, 3], Peer);
        var streamPing = node.ReceiveStream(MessageCodec.Frame(new PingMessage(78, "me", "peer", Peer)), Peer);

        var ack = Assert.IsType<SendPacket>(Assert.Single(actions));
        Assert.Equal(Peer, ack.To);
        var decoded = new List<GossipMessage>();
        Assert.Null(MessageCodec.DecodePacket(ack.Payload, decoded));
        Assert.Equal(new AckMessage(77), decoded[0]);
        Assert.Null(reply.Reply);
        Assert.Equal(1, observer.Drops.Values.Sum());
        Assert.Null(MessageCodec.DecodeStream(streamPing.Reply, out var streamAck));
        Assert.Equal(new AckMessage(78), streamAck);
    }

    [Fact]
    public void An_alive_notice_about_us_with_a_higher_incarnation_is_refuted()
    {
        var (node, observer) = StartedNode();

        var actions = node.ReceivePacket(MessageCodec.Frame(new AliveMessage(5, "me", node.Address, MemberMetadata.Empty)), Peer);

        Assert.Empty(actions);
        Assert.Equal(6u, node.Incarnation);
        Assert.Equal(1, observer.Refutations);
        Assert.Equal(1, node.HealthScore);
        Assert.Equal(1, node.PendingBroadcasts);
    }

    [Fact]
    public void Probing_a_suspect_tells_it_of_the_suspicion_in_the_same_packet()
    {
        var clock = new SimClock();
        var node = new GossipNode("me", new IPEndPoint(IPAddress.Parse("10.0.0.1"), 8301), null, null, clock, new Random(1));
        node.Start();
        node.ReceivePacket(MessageCodec.Frame(new AliveMessage(3, "peer", Peer, MemberMetadata.Empty)), Peer);
        node.ReceivePacket(MessageCodec.Frame(new SuspectMessage(3, "peer", "someone")), Peer);
        Assert.Equal(MemberState.Suspect, node.Find("peer")!.State);

        var toPeer = new List<GossipMessage>();
        while (!toPeer.OfType<PingMessage>().Any())
        {
            clock.Now += TimeSpan.FromMilliseconds(100);
            foreach (var packet in node.Tick().OfType<SendPacket>().Where(packet => packet.To.Equals(Peer)))
            {
                toPeer.Clear();
                Assert.Null(MessageCodec.DecodePacket(packet.Payload, toPeer));
            }
        }

        Assert.Contains(new SuspectMessage(3, "peer", "me"), toPeer);
    }

    [Fact]
    public void A_failed_member_is_forgotten_after_its_retention_with_a_removed_event()
    {
        var clock = new SimClock();
        var options = new GossipOptions { FailedMemberRetention = TimeSpan.FromMinutes(2) };
        var node = new GossipNode("me", new IPEndPoint(IPAddress.Parse("10.0.0.1"), 8301), null, options, clock, new Random(1));
        node.Start();
        node.ReceivePacket(MessageCodec.Frame(new AliveMessage(1, "peer", Peer, MemberMetadata.Empty)), Peer);
        var events = new List<MemberEventKind>();

        events.AddRange(node.ReceivePacket(MessageCodec.Frame(new DeadMessage(1, "peer", "other")), Peer).OfType<NotifyMember>().Select(n => n.Event.Kind));
        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromMinutes(3) && node.Find("peer") is not null; elapsed += TimeSpan.FromSeconds(1))
        {
            clock.Now += TimeSpan.FromSeconds(1);
            events.AddRange(node.Tick().OfType<NotifyMember>().Select(n => n.Event.Kind));
            if (clock.Now < TimeSpan.FromMinutes(1))
            {
                Assert.Equal(MemberState.Dead, node.Find("peer")?.State);
            }
        }

        Assert.Equal([MemberEventKind.Failed, MemberEventKind.Removed], events);
        Assert.Null(node.Find("peer"));
        Assert.Equal(1, node.EstimatedMembers);
    }
}
