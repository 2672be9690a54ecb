using System.Net;
using Mesh.Server.Gossip;

namespace Mesh.Server.Tests.Gossip;

/// <summary>The query messages on the wire: round trips, and strict decoding of everything else.</summary>
public sealed class GossipQueryCodecTests
{
    private static readonly IPEndPoint A = new(IPAddress.Parse("10.0.0.1"), 8301);
    private static readonly IPEndPoint B = new(IPAddress.Parse("fd00::2"), 8302);

    private static QueryMessage Query(uint timeoutMs = 3200, byte relayFactor = 2) =>
        new(77, "_mesh_list-keys", "node-a", A, timeoutMs, relayFactor, [1, 2, 3]);

    [Fact]
    public void A_query_a_response_and_a_relay_round_trip_in_one_compound_packet()
    {
        var response = new QueryResponseMessage(77, "node-ü", [9, 8]);
        var relay = new RelayMessage(B, response);
        var decoded = new List<GossipMessage>();

        Assert.Null(MessageCodec.DecodePacket(
            MessageCodec.Packet([MessageCodec.Encode(Query()), MessageCodec.Encode(response), MessageCodec.Encode(relay)]), decoded));

        var query = Assert.IsType<QueryMessage>(decoded[0]);
        Assert.Equal((77u, "_mesh_list-keys", "node-a", A, 3200u, (byte)2), (query.Id, query.Name, query.Origin, query.OriginAddress, query.TimeoutMs, query.RelayFactor));
        Assert.Equal([1, 2, 3], query.Payload);
        var answer = Assert.IsType<QueryResponseMessage>(decoded[1]);
        Assert.Equal((77u, "node-ü"), (answer.Id, answer.From));
        Assert.Equal([9, 8], answer.Payload);
        var relayed = Assert.IsType<RelayMessage>(decoded[2]);
        Assert.Equal(B, relayed.Target);
        Assert.Equal([9, 8], relayed.Response.Payload);
    }

    [Fact]
    public void A_large_response_travels_as_a_stream_frame_but_a_query_never_does()
    {
        var big = new QueryResponseMessage(5, "node-b", new byte[ushort.MaxValue]);

        Assert.Null(MessageCodec.DecodeStream(MessageCodec.Frame(big), out var decoded));
        Assert.Equal(ushort.MaxValue, Assert.IsType<QueryResponseMessage>(decoded).Payload.Length);
        Assert.Equal(DropReason.Malformed, MessageCodec.DecodeStream(MessageCodec.Frame(Query()), out _));
    }

    [Fact]
    public void Every_truncation_of_a_query_is_dropped_as_truncated()
    {
        var packet = MessageCodec.Frame(Query());
        for (var length = 0; length < packet.Length; length++)
        {
            Assert.Equal(DropReason.Truncated, MessageCodec.DecodePacket(packet.AsSpan(0, length), []));
        }
    }

    [Theory]
    [InlineData(0u, 0)]
    [InlineData(MessageCodec.MaxQueryTimeoutMs + 1, 0)]
    [InlineData(1000u, MessageCodec.MaxRelayFactor + 1)]
    public void A_query_with_an_impossible_timeout_or_relay_factor_is_malformed(uint timeoutMs, int relayFactor)
    {
        Assert.Equal(DropReason.Malformed, MessageCodec.DecodePacket(MessageCodec.Frame(Query(timeoutMs, (byte)relayFactor)), []));
    }

    [Fact]
    public void A_relay_must_carry_a_whole_response_and_nothing_more()
    {
        var relay = MessageCodec.Frame(new RelayMessage(B, new QueryResponseMessage(1, "x", [])));

        Assert.Equal(DropReason.Malformed, MessageCodec.DecodePacket([.. relay, 0], []));
        Assert.Equal(DropReason.Truncated, MessageCodec.DecodePacket(relay.AsSpan(0, relay.Length - 1), []));
    }
}
