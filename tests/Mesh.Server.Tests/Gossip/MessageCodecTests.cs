using System.Net;
using Mesh.Server.Gossip;

namespace Mesh.Server.Tests.Gossip;

public sealed class MessageCodecTests
{
    private static readonly IPEndPoint A = new(IPAddress.Parse("10.0.0.1"), 8301);
    private static readonly IPEndPoint B = new(IPAddress.Parse("fd00::2"), 8302);
    private static readonly MemberMetadata Meta = MemberMetadata.From(new Dictionary<string, string>
    {
        ["role"] = "consul", ["dc"] = "dc1", ["port"] = "8300", ["build"] = "1.0.0", ["vsn"] = "2", ["expect"] = "3",
    });

    public static TheoryData<string> MessageNames => [.. Messages().Keys];

    private static Dictionary<string, GossipMessage> Messages() => new()
    {
        ["ping"] = new PingMessage(7, "node-b", "node-a", A),
        ["ping-req"] = new PingReqMessage(uint.MaxValue, "node-c", B, WantNack: true, "node-a", A),
        ["ack"] = new AckMessage(42),
        ["nack"] = new NackMessage(43),
        ["suspect"] = new SuspectMessage(3, "node-b", "node-a"),
        ["alive"] = new AliveMessage(9, "nœud-ü", B, Meta),
        ["dead"] = new DeadMessage(4, "node-b", "node-b"),
    };

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void Each_packet_message_round_trips_alone_and_in_a_compound(string name)
    {
        var message = Messages()[name];
        var decoded = new List<GossipMessage>();

        Assert.Null(MessageCodec.DecodePacket(MessageCodec.Frame(message), decoded));
        Assert.Null(MessageCodec.DecodePacket(MessageCodec.Packet([MessageCodec.Encode(new AckMessage(1)), MessageCodec.Encode(message)]), decoded));

        Assert.Equal(3, decoded.Count);
        Assert.Equal(message, decoded[0]);
        Assert.Equal(message, decoded[2]);
    }

    [Fact]
    public void A_user_event_round_trips_and_a_truncated_one_is_dropped()
    {
        var frame = MessageCodec.Frame(new UserEventMessage(ulong.MaxValue - 1, "deploy", [1, 2, 3]));
        var decoded = new List<GossipMessage>();

        Assert.Null(MessageCodec.DecodePacket(frame, decoded));
        var userEvent = Assert.IsType<UserEventMessage>(Assert.Single(decoded));
        Assert.Equal((ulong.MaxValue - 1, "deploy"), (userEvent.LTime, userEvent.Name));
        Assert.Equal([1, 2, 3], userEvent.Payload);
        Assert.Equal(DropReason.Truncated, MessageCodec.DecodePacket(frame.AsSpan(0, frame.Length - 1), []));
    }

    [Fact]
    public void A_push_pull_state_round_trips_as_a_stream_frame()
    {
        var state = new PushPullMessage(Join: true,
        [
            new PushNodeState("a", A, Meta, 5, MemberState.Alive),
            new PushNodeState("b", B, MemberMetadata.Empty, 6, MemberState.Left),
        ]);

        Assert.Null(MessageCodec.DecodeStream(MessageCodec.Frame(state), out var decoded));

        var pushPull = Assert.IsType<PushPullMessage>(decoded);
        Assert.True(pushPull.Join);
        Assert.Equal(state.Nodes, pushPull.Nodes);
    }

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void Every_truncation_is_dropped_as_truncated(string name)
    {
        var packet = MessageCodec.Packet([MessageCodec.Encode(Messages()[name]), MessageCodec.Encode(new AckMessage(1))]);
        for (var length = 0; length < packet.Length; length++)
        {
            Assert.Equal(DropReason.Truncated, MessageCodec.DecodePacket(packet.AsSpan(0, length), []));
        }
    }

    [Fact]
    public void Trailing_bytes_bad_values_and_unknown_types_are_dropped_with_their_reason()
    {
        var ping = MessageCodec.Frame(new PingMessage(1, "b", "a", A));
        Assert.Equal(DropReason.Malformed, MessageCodec.DecodePacket([.. ping, 0], []));

        var badVersion = ping.ToArray();
        badVersion[0] = 99;
        Assert.Equal(DropReason.UnknownType, MessageCodec.DecodePacket(badVersion, []));

        Assert.Equal(DropReason.UnknownType, MessageCodec.DecodePacket([MessageCodec.WireVersion, 200, 0, 0], []));

        var badBool = MessageCodec.Frame(new PingReqMessage(1, "c", A, true, "a", A));
        badBool[1 + 1 + 4 + 2 + 7] = 2;
        Assert.Equal(DropReason.Malformed, MessageCodec.DecodePacket(badBool, []));

        var zeroPort = MessageCodec.Frame(new PingMessage(1, "b", "a", A));
        zeroPort[^1] = 0;
        zeroPort[^2] = 0;
        Assert.Equal(DropReason.Malformed, MessageCodec.DecodePacket(zeroPort, []));

        // Push-pull only travels on streams, and streams carry only pings, acks and push-pull.
        Assert.Equal(DropReason.Malformed, MessageCodec.DecodePacket(MessageCodec.Frame(new PushPullMessage(false, [])), []));
        Assert.Equal(DropReason.Malformed, MessageCodec.DecodeStream(MessageCodec.Frame(new SuspectMessage(1, "a", "b")), out _));
    }

    [Fact]
    public void A_nested_or_empty_compound_is_malformed()
    {
        var inner = MessageCodec.Packet([MessageCodec.Encode(new AckMessage(1)), MessageCodec.Encode(new AckMessage(2))])[1..];

        Assert.Equal(DropReason.Malformed, MessageCodec.DecodePacket(MessageCodec.Packet([inner, MessageCodec.Encode(new AckMessage(3))]), []));
        Assert.Equal(DropReason.Malformed, MessageCodec.DecodePacket([MessageCodec.WireVersion, (byte)MessageType.Compound, 0], []));
    }

    [Fact]
    public void A_push_pull_that_claims_more_members_than_allowed_or_repeats_one_is_rejected()
    {
        byte[] huge = [MessageCodec.WireVersion, (byte)MessageType.PushPull, 0, 0x7F, 0xFF, 0xFF, 0xFF];
        Assert.Equal(DropReason.Oversized, MessageCodec.DecodeStream(huge, out _));

        byte[] claims = [MessageCodec.WireVersion, (byte)MessageType.PushPull, 0, 0, 0, 0x10, 0];
        Assert.Equal(DropReason.Truncated, MessageCodec.DecodeStream(claims, out _));

        var twice = new PushNodeState("a", A, MemberMetadata.Empty, 1, MemberState.Alive);
        Assert.Equal(DropReason.Malformed, MessageCodec.DecodeStream(MessageCodec.Frame(new PushPullMessage(false, [twice, twice])), out _));
    }

    [Fact]
    public void Metadata_over_the_limit_is_refused_at_the_api_and_dropped_on_the_wire()
    {
        var big = Enumerable.Range(0, 10).ToDictionary(i => $"key{i}", _ => new string('v', 60));

        var error = Assert.Throws<ArgumentException>(() => MemberMetadata.From(big));
        Assert.Contains("at most 512", error.Message);

        var writer = new WireWriter();
        writer.Byte(MessageCodec.WireVersion);
        writer.Byte((byte)MessageType.Alive);
        writer.UInt32(1);
        writer.String("a");
        writer.Endpoint(A);
        writer.Byte((byte)big.Count);
        foreach (var (key, value) in big)
        {
            writer.String(key);
            writer.String(value);
        }
        Assert.Equal(DropReason.Oversized, MessageCodec.DecodePacket(writer.ToArray(), []));
    }

    [Fact]
    public void Random_and_mutated_input_never_throws()
    {
        var random = new Random(1234);
        var valid = Messages().Values.Select(MessageCodec.Frame).ToList();
        var outcomes = new Dictionary<string, int>();
        for (var i = 0; i < 50_000; i++)
        {
            byte[] input;
            if (i % 2 == 0)
            {
                input = new byte[random.Next(0, 300)];
                random.NextBytes(input);
            }
            else
            {
                input = valid[random.Next(valid.Count)].ToArray();
                input[random.Next(input.Length)] ^= (byte)(1 << random.Next(8));
            }
            foreach (var outcome in new[] { MessageCodec.DecodePacket(input, []), MessageCodec.DecodeStream(input, out _) })
            {
                var key = outcome?.ToString() ?? "decoded";
                outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
            }
        }
        Assert.True(outcomes.Count >= 4, $"mutations should hit several outcomes: {string.Join(", ", outcomes)}");
    }
}
