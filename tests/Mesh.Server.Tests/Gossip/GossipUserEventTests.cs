using Mesh.Gossip.Simulation;
using Mesh.Server.Gossip;

namespace Mesh.Server.Tests.Gossip;

/// <summary>User events in the simulated pool: every member delivers each once, Lamport-ordered, within Serf's size limit.</summary>
public sealed class GossipUserEventTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public void An_event_reaches_every_member_once_even_with_packet_loss_and_later_events_stamp_later_times()
    {
        var network = new SimNetwork(seed: 17);
        network.Bootstrap(30, TimeSpan.FromMilliseconds(10), Limit);
        network.PacketLoss = 0.1;
        var delivered = new List<(string Member, GossipUserEvent Event)>();
        network.OnUserEvent = (member, userEvent) => delivered.Add((member.Name, userEvent));

        var sender = network.Members[4];
        network.Apply(sender, sender.Core.FireUserEvent("deploy", "v1"u8));
        Assert.True(network.RunUntil(() => delivered.Count >= 30, Limit));
        var first = delivered[0].Event;
        Assert.Equal(("deploy", "v1"), (first.Name, System.Text.Encoding.UTF8.GetString(first.Payload)));
        Assert.Equal(network.Members.Select(m => m.Name).Order(), delivered.Select(d => d.Member).Order());
        Assert.All(delivered, d => Assert.Equal(first.LTime, d.Event.LTime));

        // Every copy still being gossiped is recognised as a repeat; a second event from another member is later.
        var other = network.Members[20];
        network.Apply(other, other.Core.FireUserEvent("deploy", "v2"u8));
        Assert.True(network.RunUntil(() => delivered.Count >= 60, Limit));
        network.RunUntil(() => false, TimeSpan.FromSeconds(10));
        Assert.Equal(60, delivered.Count);
        Assert.All(delivered.Skip(30), d => Assert.True(d.Event.LTime > first.LTime));
    }

    [Fact]
    public void An_event_past_serfs_size_limit_is_refused()
    {
        var network = new SimNetwork(seed: 3);
        network.Bootstrap(2, TimeSpan.FromMilliseconds(10), Limit);
        var member = network.Members[0];
        var error = Assert.Throws<ArgumentException>(() => member.Core.FireUserEvent("big", new byte[GossipNode.MaxUserEventSize - 2]));
        Assert.Equal("user event exceeds configured limit of 512 bytes before encoding", error.Message);
        Assert.Single(member.Core.FireUserEvent("fits", new byte[GossipNode.MaxUserEventSize - 4]).OfType<DeliverUserEvent>());
    }
}
