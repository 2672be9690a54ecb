using Mesh.Server.Consensus;
using Mesh.Server.Consensus.Transport;

namespace Mesh.Server.Tests.Consensus.Transport;

public sealed class RaftWireCodecTests
{
    private static readonly ClusterConfiguration Configuration = new(
    [
        new RaftMember("server-β", "10.0.0.2:8300", MemberRole.Voter),
        new RaftMember("节点-1", "[::1]:8300", MemberRole.Staging),
        new RaftMember("🚀", "host:1", MemberRole.Learner),
    ]);

    /// <summary>One of every message, with unusual values: unicode ids, extremes, empty and large payloads.</summary>
    public static IEnumerable<object[]> EveryMessage() => new RaftMessage[]
    {
        new VoteRequest("server-β", "节点-1", 7, 100, 6, PreVote: true, Transfer: false),
        new VoteRequest("a", "b", ulong.MaxValue, ulong.MaxValue, 0, PreVote: false, Transfer: true),
        new VoteResponse("节点-1", "server-β", 7, Granted: true, PreVote: true),
        new VoteResponse("", "", 0, Granted: false, PreVote: false),
        new AppendRequest("🚀", "b", 3, 41, 3, [], 40, 17),
        new AppendRequest("a", "b", 3, 41, 3,
        [
            new LogEntry(42, 3, EntryKind.Command, [1, 2, 3]),
            new LogEntry(43, 3, EntryKind.NoOp, []),
            new LogEntry(44, 3, EntryKind.Configuration, Configuration.Encode()),
            new LogEntry(45, 3, EntryKind.Command, Filled(1 << 20)),
        ], 44, ulong.MaxValue),
        new AppendResponse("b", "a", 3, Success: true, 45, 0, 0, 17),
        new AppendResponse("b", "a", 3, Success: false, 41, 30, 2, 18),
        new HeartbeatRequest("a", "b", 3, 44, 19),
        new HeartbeatResponse("b", "a", 3, 19),
        new SnapshotRequest("a", "b", 4, new SnapshotMetadata(1000, 3, Configuration), 0, Filled(1 << 20), Last: false),
        new SnapshotRequest("a", "b", 4, new SnapshotMetadata(1000, 3, ClusterConfiguration.Empty), long.MaxValue, [], Last: true),
        new SnapshotResponse("b", "a", 4, 1000, 1 << 20, Done: false),
        new SnapshotResponse("b", "a", 4, 1000, -1, Done: true),
        new TimeoutNowRequest("a", "🚀", 5),
    }.Select(m => new object[] { m });

    [Theory]
    [MemberData(nameof(EveryMessage))]
    public void Every_message_round_trips(RaftMessage message)
    {
        var encoded = RaftWireCodec.EncodeBatch([message]);

        Assert.Equal(encoded.Length, RaftWireCodec.MeasureBatch([message]));
        RaftMessageAssert.Equal([message], RaftWireCodec.DecodeBatch(encoded));
    }

    [Fact]
    public void A_batch_keeps_its_order_and_an_empty_batch_round_trips()
    {
        var messages = EveryMessage().Select(m => (RaftMessage)m[0]).ToList();

        RaftMessageAssert.Equal(messages, RaftWireCodec.DecodeBatch(RaftWireCodec.EncodeBatch(messages)));
        Assert.Empty(RaftWireCodec.DecodeBatch(RaftWireCodec.EncodeBatch([])));
    }

    [Fact]
    public void The_layout_is_little_endian_with_a_tag_and_length_prefixed_strings()
    {
        var encoded = RaftWireCodec.EncodeBatch([new HeartbeatResponse("a", "bc", 0x0102, 0x0304)]);

        byte[] expected =
        [
            1, 0, 0, 0,                 // one message
            6,                          // HeartbeatResponse
            1, 0, 0, 0, (byte)'a',      // From
            2, 0, 0, 0, (byte)'b', (byte)'c',
            2, 1, 0, 0, 0, 0, 0, 0,     // Term
            4, 3, 0, 0, 0, 0, 0, 0,     // Round
        ];
        Assert.Equal(expected, encoded);
    }

    [Fact]
    public void Every_truncation_is_invalid_data()
    {
        var encoded = RaftWireCodec.EncodeBatch([.. EveryMessage().Select(m => (RaftMessage)m[0]).Where(m => RaftWireCodec.Measure(m) < 4096)]);

        for (var length = 0; length < encoded.Length; length++)
        {
            Assert.Throws<InvalidDataException>(() => RaftWireCodec.DecodeBatch(encoded.AsSpan(0, length)));
        }
    }

    [Fact]
    public void Trailing_bytes_are_invalid_data()
    {
        byte[] encoded = [.. RaftWireCodec.EncodeBatch([new TimeoutNowRequest("a", "b", 1)]), 0];

        Assert.Throws<InvalidDataException>(() => RaftWireCodec.DecodeBatch(encoded));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(255)]
    public void An_unknown_type_is_invalid_data(byte tag)
    {
        var encoded = RaftWireCodec.EncodeBatch([new HeartbeatResponse("a", "b", 1, 2)]);
        encoded[4] = tag;

        var error = Assert.Throws<InvalidDataException>(() => RaftWireCodec.DecodeBatch(encoded));
        Assert.Contains("unknown type", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_boolean_other_than_zero_or_one_is_invalid_data()
    {
        var encoded = RaftWireCodec.EncodeBatch([new VoteResponse("a", "b", 1, Granted: true, PreVote: false)]);
        // count(4) tag(1) from(5) to(5) term(8), then Granted.
        encoded[4 + 1 + 5 + 5 + 8] = 2;

        var error = Assert.Throws<InvalidDataException>(() => RaftWireCodec.DecodeBatch(encoded));
        Assert.Contains("invalid boolean", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_entry_kind_is_invalid_data()
    {
        var encoded = RaftWireCodec.EncodeBatch([new AppendRequest("a", "b", 1, 0, 0, [new LogEntry(1, 1, EntryKind.Command, [9])], 0, 0)]);
        // count(4) tag(1) from(5) to(5) term(8) prev index(8) prev term(8) entries(4) index(8) term(8), then the kind.
        encoded[4 + 1 + 5 + 5 + 8 + 8 + 8 + 4 + 8 + 8] = 7;

        var error = Assert.Throws<InvalidDataException>(() => RaftWireCodec.DecodeBatch(encoded));
        Assert.Contains("unknown kind", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_string_that_is_not_utf8_is_invalid_data()
    {
        var encoded = RaftWireCodec.EncodeBatch([new TimeoutNowRequest("a", "b", 1)]);
        encoded[9] = 0xFF;

        var error = Assert.Throws<InvalidDataException>(() => RaftWireCodec.DecodeBatch(encoded));
        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Huge_counts_and_lengths_fail_before_allocating()
    {
        byte[] hugeBatch = [0xFF, 0xFF, 0xFF, 0x7F];
        var hugeString = RaftWireCodec.EncodeBatch([new TimeoutNowRequest("a", "b", 1)]);
        hugeString.AsSpan(5, 4).Fill(0xFF);

        Assert.Throws<InvalidDataException>(() => RaftWireCodec.DecodeBatch(hugeBatch));
        Assert.Throws<InvalidDataException>(() => RaftWireCodec.DecodeBatch(hugeString));
    }

    [Fact]
    public void A_truncated_snapshot_configuration_is_invalid_data()
    {
        var encoded = RaftWireCodec.EncodeBatch([Snapshot(new RaftMember("x", "h:1", MemberRole.Voter))]);
        // count(4) tag(1) from(5) to(5) term(8) index(8) term(8) length(4), then the configuration's member count.
        encoded[4 + 1 + 5 + 5 + 8 + 8 + 8 + 4] = 2;

        Assert.Throws<InvalidDataException>(() => RaftWireCodec.DecodeBatch(encoded));
    }

    [Fact]
    public void A_snapshot_configuration_naming_a_server_twice_is_invalid_data()
    {
        var encoded = RaftWireCodec.EncodeBatch([Snapshot(new RaftMember("x", "h:1", MemberRole.Voter), new RaftMember("y", "h:2", MemberRole.Voter))]);
        encoded[Array.IndexOf(encoded, (byte)'y')] = (byte)'x';

        var error = Assert.Throws<InvalidDataException>(() => RaftWireCodec.DecodeBatch(encoded));
        Assert.Contains("configuration", error.Message, StringComparison.Ordinal);
    }

    private static SnapshotRequest Snapshot(params RaftMember[] members) =>
        new("a", "b", 1, new SnapshotMetadata(1, 1, new ClusterConfiguration(members)), 0, [], Last: true);

    [Fact]
    public void Garbage_and_mutations_only_ever_fail_as_invalid_data()
    {
        var random = new Random(20250101);
        var valid = RaftWireCodec.EncodeBatch([.. EveryMessage().Select(m => (RaftMessage)m[0]).Where(m => RaftWireCodec.Measure(m) < 4096)]);
        var failures = 0;
        for (var round = 0; round < 20_000; round++)
        {
            var input = round % 2 == 0 ? Garbage(random) : Mutated(valid, random);
            try
            {
                RaftWireCodec.DecodeBatch(input);
            }
            catch (InvalidDataException)
            {
                failures++;
            }
        }
        // Most mutations break something; the point is that nothing else was thrown.
        Assert.True(failures > 10_000, $"only {failures} inputs failed to decode");
    }

    private static byte[] Garbage(Random random)
    {
        var bytes = new byte[random.Next(0, 64)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutated(byte[] valid, Random random)
    {
        var bytes = (byte[])valid.Clone();
        for (var i = random.Next(1, 4); i > 0; i--)
        {
            bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
        }
        return bytes;
    }

    private static byte[] Filled(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }
}
