using System.Text.Json;
using Grpc.Core;

namespace Mesh.Server.Consensus.Transport;

/// <summary>A batch of messages from one server to another, in the order they were sent.</summary>
public sealed record RaftBatch(IReadOnlyList<RaftMessage> Messages);

public sealed record RaftBatchAck;

/// <summary>Raft traffic between servers, code-first gRPC on the server port next to agent RPC.</summary>
internal static class RaftTransportMethods
{
    public const string ServiceName = "mesh.raft.v1.RaftTransport";

    public static readonly Method<RaftBatch, RaftBatchAck> Deliver = new(
        MethodType.Unary, ServiceName, "Deliver", Json<RaftBatch>(), Json<RaftBatchAck>());

    private static Marshaller<T> Json<T>() => new(
        value => JsonSerializer.SerializeToUtf8Bytes(value, RaftJson.Options),
        bytes => JsonSerializer.Deserialize<T>(bytes, RaftJson.Options)
            ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"empty {typeof(T).Name}")));
}
