using System.Buffers;
using Grpc.Core;

namespace Mesh.Server.Consensus.Transport;

/// <summary>Messages from one server to another, in the order they were sent.</summary>
public sealed record RaftBatch(IReadOnlyList<RaftMessage> Messages);

/// <summary>The server's one answer, when a stream ends.</summary>
public sealed record RaftStreamAck
{
    public static readonly RaftStreamAck Instance = new();
}

/// <summary>
/// Raft traffic between servers, code-first gRPC on the server port next to agent RPC: each server keeps one
/// client stream open to each peer and writes batches of messages (<see cref="RaftWireCodec"/>) on it.
/// </summary>
internal static class RaftTransportMethods
{
    public const string ServiceName = "mesh.raft.v1.RaftTransport";

    public static readonly Method<RaftBatch, RaftStreamAck> Stream = new(
        MethodType.ClientStreaming,
        ServiceName,
        "Stream",
        new Marshaller<RaftBatch>(SerializeBatch, DeserializeBatch),
        new Marshaller<RaftStreamAck>(static (_, context) => context.Complete([]), static _ => RaftStreamAck.Instance));

    private static void SerializeBatch(RaftBatch batch, SerializationContext context)
    {
        // Measured first, so gRPC hands out one buffer of the exact size and the batch is written straight into it.
        var size = RaftWireCodec.MeasureBatch(batch.Messages);
        context.SetPayloadLength(size);
        var writer = context.GetBufferWriter();
        RaftWireCodec.WriteBatch(batch.Messages, writer.GetSpan(size)[..size]);
        writer.Advance(size);
        context.Complete();
    }

    private static RaftBatch DeserializeBatch(DeserializationContext context)
    {
        var payload = context.PayloadAsReadOnlySequence();
        if (payload.IsSingleSegment)
        {
            return new RaftBatch(RaftWireCodec.DecodeBatch(payload.FirstSpan));
        }
        var length = checked((int)payload.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            payload.CopyTo(buffer);
            return new RaftBatch(RaftWireCodec.DecodeBatch(buffer.AsSpan(0, length)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
