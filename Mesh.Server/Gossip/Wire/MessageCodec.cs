namespace Mesh.Server.Gossip;

/// <summary>
/// The gossip wire format. A packet or stream frame is one version byte followed by one message: a type byte and
/// its fields. A compound message carries up to 255 length-prefixed messages so that broadcasts ride along with
/// probes. Decoding is strict: any short field, bad value, unknown type or trailing byte drops the whole input.
/// </summary>
internal static class MessageCodec
{
    public const byte WireVersion = 1;

    /// <summary>Bytes a compound adds besides its parts: version, type and count.</summary>
    public const int CompoundHeaderOverhead = 3;

    /// <summary>Bytes each compound part adds: its length.</summary>
    public const int CompoundPartOverhead = 2;

    /// <summary>Most parts in one compound message (the count is one byte).</summary>
    public const int MaxCompoundParts = byte.MaxValue;

    /// <summary>Most members accepted in one push-pull exchange.</summary>
    public const int MaxPushPullNodes = 1 << 16;

    /// <summary>Most members a query response may be relayed through (serf's limit).</summary>
    public const int MaxRelayFactor = 5;

    /// <summary>Longest query timeout accepted: it bounds how long a member remembers a query it has seen.</summary>
    public const uint MaxQueryTimeoutMs = 60 * 60 * 1000;

    // The smallest encoded push-pull entry: 1-byte name, IPv4 endpoint, empty metadata, incarnation, state.
    private const int MinPushNodeSize = 2 + 7 + 1 + 4 + 1;

    public static byte[] Encode(GossipMessage message)
    {
        var writer = new WireWriter();
        Write(writer, message);
        return writer.ToArray();
    }

    /// <summary>A packet or stream frame holding one message.</summary>
    public static byte[] Frame(GossipMessage message)
    {
        var writer = new WireWriter();
        writer.Byte(WireVersion);
        Write(writer, message);
        return writer.ToArray();
    }

    /// <summary>A packet of already-encoded messages: the message itself when alone, otherwise a compound.</summary>
    public static byte[] Packet(IReadOnlyList<byte[]> messages)
    {
        var writer = new WireWriter();
        writer.Byte(WireVersion);
        if (messages.Count == 1)
        {
            writer.Bytes(messages[0]);
            return writer.ToArray();
        }
        if (messages.Count is 0 or > MaxCompoundParts)
        {
            throw new ArgumentOutOfRangeException(nameof(messages), $"a packet holds 1 to {MaxCompoundParts} messages");
        }
        writer.Byte((byte)MessageType.Compound);
        writer.Byte((byte)messages.Count);
        foreach (var message in messages)
        {
            writer.UInt16(checked((ushort)message.Length));
            writer.Bytes(message);
        }
        return writer.ToArray();
    }

    /// <summary>Decodes a UDP packet into <paramref name="messages"/>; returns why it was dropped, or null.</summary>
    public static DropReason? DecodePacket(ReadOnlySpan<byte> packet, List<GossipMessage> messages)
    {
        var reader = new WireReader(packet);
        if (!ReadVersion(ref reader) || !reader.Byte(out var type))
        {
            return reader.Error;
        }
        if ((MessageType)type != MessageType.Compound)
        {
            return ReadPacketMessage(ref reader, (MessageType)type, messages);
        }
        if (!reader.Byte(out var count))
        {
            return reader.Error;
        }
        if (count == 0)
        {
            return DropReason.Malformed;
        }
        for (var i = 0; i < count; i++)
        {
            if (!reader.UInt16(out var length) || !reader.Bytes(length, out var part))
            {
                return reader.Error;
            }
            var partReader = new WireReader(part);
            if (!partReader.Byte(out var partType))
            {
                return partReader.Error;
            }
            if ((MessageType)partType == MessageType.Compound)
            {
                return DropReason.Malformed;
            }
            var error = ReadPacketMessage(ref partReader, (MessageType)partType, messages);
            if (error is not null)
            {
                return error;
            }
        }
        return reader.AtEnd ? null : DropReason.Malformed;
    }

    /// <summary>Decodes a stream frame: a ping, an ack, a push-pull state or a query response too large for a packet.</summary>
    public static DropReason? DecodeStream(ReadOnlySpan<byte> frame, out GossipMessage? message)
    {
        message = null;
        var reader = new WireReader(frame);
        if (!ReadVersion(ref reader) || !reader.Byte(out var type))
        {
            return reader.Error;
        }
        message = (MessageType)type switch
        {
            MessageType.Ping => ReadPing(ref reader),
            MessageType.Ack => ReadAck(ref reader),
            MessageType.PushPull => ReadPushPull(ref reader),
            MessageType.QueryResponse => ReadQueryResponse(ref reader),
            _ => null,
        };
        return Finish(ref reader, message, (MessageType)type);
    }

    private static bool ReadVersion(ref WireReader reader)
    {
        if (!reader.Byte(out var version))
        {
            return false;
        }
        return version == WireVersion || reader.Fail(DropReason.UnknownType);
    }

    private static DropReason? ReadPacketMessage(ref WireReader reader, MessageType type, List<GossipMessage> messages)
    {
        GossipMessage? message = type switch
        {
            MessageType.Ping => ReadPing(ref reader),
            MessageType.PingReq => ReadPingReq(ref reader),
            MessageType.Ack => ReadAck(ref reader),
            MessageType.Nack => reader.UInt32(out var seq) ? new NackMessage(seq) : null,
            MessageType.Suspect => ReadSuspect(ref reader),
            MessageType.Alive => ReadAlive(ref reader),
            MessageType.Dead => ReadDead(ref reader),
            MessageType.Query => ReadQuery(ref reader),
            MessageType.QueryResponse => ReadQueryResponse(ref reader),
            MessageType.Relay => ReadRelay(ref reader),
            MessageType.UserEvent => ReadUserEvent(ref reader),
            _ => null,
        };
        var error = Finish(ref reader, message, type);
        if (error is null)
        {
            messages.Add(message!);
        }
        return error;
    }

    private static DropReason? Finish(ref WireReader reader, GossipMessage? message, MessageType type)
    {
        if (message is null)
        {
            return reader.Error ?? (Enum.IsDefined(type) ? DropReason.Malformed : DropReason.UnknownType);
        }
        return reader.AtEnd ? null : DropReason.Malformed;
    }

    private static PingMessage? ReadPing(ref WireReader reader) =>
        reader.UInt32(out var seq) && reader.String(out var target) && reader.String(out var source) &&
        reader.Endpoint(out var address)
            ? new PingMessage(seq, target, source, address)
            : null;

    private static PingReqMessage? ReadPingReq(ref WireReader reader) =>
        reader.UInt32(out var seq) && reader.String(out var target) && reader.Endpoint(out var targetAddress) &&
        reader.Bool(out var wantNack) && reader.String(out var source) && reader.Endpoint(out var sourceAddress)
            ? new PingReqMessage(seq, target, targetAddress, wantNack, source, sourceAddress)
            : null;

    private static AckMessage? ReadAck(ref WireReader reader) =>
        reader.UInt32(out var seq) ? new AckMessage(seq) : null;

    private static SuspectMessage? ReadSuspect(ref WireReader reader) =>
        reader.UInt32(out var incarnation) && reader.String(out var node) && reader.String(out var from)
            ? new SuspectMessage(incarnation, node, from)
            : null;

    private static AliveMessage? ReadAlive(ref WireReader reader) =>
        reader.UInt32(out var incarnation) && reader.String(out var node) && reader.Endpoint(out var address) &&
        reader.Metadata(out var metadata)
            ? new AliveMessage(incarnation, node, address, metadata)
            : null;

    private static DeadMessage? ReadDead(ref WireReader reader) =>
        reader.UInt32(out var incarnation) && reader.String(out var node) && reader.String(out var from)
            ? new DeadMessage(incarnation, node, from)
            : null;

    private static QueryMessage? ReadQuery(ref WireReader reader)
    {
        if (!reader.UInt32(out var id) || !reader.String(out var name) || !reader.String(out var origin) ||
            !reader.Endpoint(out var address) || !reader.UInt32(out var timeout) || !reader.Byte(out var relayFactor) ||
            !reader.Blob(out var payload))
        {
            return null;
        }
        if (timeout is 0 or > MaxQueryTimeoutMs || relayFactor > MaxRelayFactor)
        {
            reader.Fail(DropReason.Malformed);
            return null;
        }
        return new QueryMessage(id, name, origin, address, timeout, relayFactor, payload);
    }

    private static QueryResponseMessage? ReadQueryResponse(ref WireReader reader) =>
        reader.UInt32(out var id) && reader.String(out var from) && reader.Blob(out var payload)
            ? new QueryResponseMessage(id, from, payload)
            : null;

    private static RelayMessage? ReadRelay(ref WireReader reader) =>
        reader.Endpoint(out var target) && ReadQueryResponse(ref reader) is { } response
            ? new RelayMessage(target, response)
            : null;

    private static UserEventMessage? ReadUserEvent(ref WireReader reader) =>
        reader.UInt64(out var time) && reader.String(out var name) && reader.Blob(out var payload)
            ? new UserEventMessage(time, name, payload)
            : null;

    private static PushPullMessage? ReadPushPull(ref WireReader reader)
    {
        if (!reader.Bool(out var join) || !reader.UInt32(out var count))
        {
            return null;
        }
        if (count > MaxPushPullNodes)
        {
            reader.Fail(DropReason.Oversized);
            return null;
        }
        if (count > reader.Remaining / MinPushNodeSize)
        {
            reader.Fail(DropReason.Truncated);
            return null;
        }
        var nodes = new List<PushNodeState>((int)count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            if (!reader.String(out var name) || !reader.Endpoint(out var address) || !reader.Metadata(out var metadata) ||
                !reader.UInt32(out var incarnation) || !reader.Byte(out var state))
            {
                return null;
            }
            if (state > (byte)MemberState.Left || !names.Add(name))
            {
                reader.Fail(DropReason.Malformed);
                return null;
            }
            nodes.Add(new PushNodeState(name, address, metadata, incarnation, (MemberState)state));
        }
        return new PushPullMessage(join, nodes);
    }

    private static void Write(WireWriter writer, GossipMessage message)
    {
        switch (message)
        {
            case PingMessage ping:
                writer.Byte((byte)MessageType.Ping);
                writer.UInt32(ping.SeqNo);
                writer.String(ping.Target);
                writer.String(ping.SourceName);
                writer.Endpoint(ping.SourceAddress);
                break;
            case PingReqMessage req:
                writer.Byte((byte)MessageType.PingReq);
                writer.UInt32(req.SeqNo);
                writer.String(req.Target);
                writer.Endpoint(req.TargetAddress);
                writer.Bool(req.WantNack);
                writer.String(req.SourceName);
                writer.Endpoint(req.SourceAddress);
                break;
            case AckMessage ack:
                writer.Byte((byte)MessageType.Ack);
                writer.UInt32(ack.SeqNo);
                break;
            case NackMessage nack:
                writer.Byte((byte)MessageType.Nack);
                writer.UInt32(nack.SeqNo);
                break;
            case SuspectMessage suspect:
                writer.Byte((byte)MessageType.Suspect);
                writer.UInt32(suspect.Incarnation);
                writer.String(suspect.Node);
                writer.String(suspect.From);
                break;
            case AliveMessage alive:
                writer.Byte((byte)MessageType.Alive);
                writer.UInt32(alive.Incarnation);
                writer.String(alive.Node);
                writer.Endpoint(alive.Address);
                writer.Metadata(alive.Metadata);
                break;
            case DeadMessage dead:
                writer.Byte((byte)MessageType.Dead);
                writer.UInt32(dead.Incarnation);
                writer.String(dead.Node);
                writer.String(dead.From);
                break;
            case PushPullMessage pushPull:
                writer.Byte((byte)MessageType.PushPull);
                writer.Bool(pushPull.Join);
                writer.UInt32((uint)pushPull.Nodes.Count);
                foreach (var node in pushPull.Nodes)
                {
                    writer.String(node.Name);
                    writer.Endpoint(node.Address);
                    writer.Metadata(node.Metadata);
                    writer.UInt32(node.Incarnation);
                    writer.Byte((byte)node.State);
                }
                break;
            case QueryMessage query:
                writer.Byte((byte)MessageType.Query);
                writer.UInt32(query.Id);
                writer.String(query.Name);
                writer.String(query.Origin);
                writer.Endpoint(query.OriginAddress);
                writer.UInt32(query.TimeoutMs);
                writer.Byte(query.RelayFactor);
                writer.Blob(query.Payload);
                break;
            case QueryResponseMessage response:
                writer.Byte((byte)MessageType.QueryResponse);
                WriteQueryResponse(writer, response);
                break;
            case RelayMessage relay:
                writer.Byte((byte)MessageType.Relay);
                writer.Endpoint(relay.Target);
                WriteQueryResponse(writer, relay.Response);
                break;
            case UserEventMessage userEvent:
                writer.Byte((byte)MessageType.UserEvent);
                writer.UInt64(userEvent.LTime);
                writer.String(userEvent.Name);
                writer.Blob(userEvent.Payload);
                break;
            default:
                throw new ArgumentException($"cannot encode {message.GetType().Name}", nameof(message));
        }
    }

    private static void WriteQueryResponse(WireWriter writer, QueryResponseMessage response)
    {
        writer.UInt32(response.Id);
        writer.String(response.From);
        writer.Blob(response.Payload);
    }
}
