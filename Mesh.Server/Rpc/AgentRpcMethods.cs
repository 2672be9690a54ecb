using System.Text.Json;
using Grpc.Core;
using Mesh.Server.Cluster;
using Mesh.Server.State;

namespace Mesh.Server.Rpc;

/// <summary>
/// Agent RPC on the server port (Consul's 8300): client agents and followers send writes and reads to a server.
/// Payloads are the state store's own JSON (commands, queries), so there is one wire shape for the log and the RPC.
/// </summary>
internal static class AgentRpcMethods
{
    public const string ServiceName = "mesh.agent.v1.AgentRpc";

    public static readonly Method<StateCommand, ApplyResult> Apply = new(
        MethodType.Unary, ServiceName, "Apply", Json<StateCommand>(), Json<ApplyResult>());

    public static readonly Method<QueryRequest, QueryResponse> Query = new(
        MethodType.Unary, ServiceName, "Query", Json<QueryRequest>(), Json<QueryResponse>());

    public static readonly Method<RaftStatusRequest, RaftStatusResponse> RaftStatus = new(
        MethodType.Unary, ServiceName, "RaftStatus", Json<RaftStatusRequest>(), Json<RaftStatusResponse>());

    // What a client agent cannot answer itself (Consul's Status.* and Operator.Raft* RPCs, and its snapshot stream).
    public static readonly Method<StatusRequest, StatusResponse> Status = new(
        MethodType.Unary, ServiceName, "Status", Json<StatusRequest>(), Json<StatusResponse>());

    public static readonly Method<RaftConfigurationRequest, RaftConfigurationReply> RaftConfiguration = new(
        MethodType.Unary, ServiceName, "RaftConfiguration", Json<RaftConfigurationRequest>(), Json<RaftConfigurationReply>());

    public static readonly Method<RaftPeer, OperatorResponse> RemovePeer = new(
        MethodType.Unary, ServiceName, "RemovePeer", Json<RaftPeer>(), Json<OperatorResponse>());

    public static readonly Method<TransferLeaderRequest, OperatorResponse> TransferLeader = new(
        MethodType.Unary, ServiceName, "TransferLeader", Json<TransferLeaderRequest>(), Json<OperatorResponse>());

    /// <summary>The archive in chunks, so that no message outgrows gRPC's limits whatever the state's size.</summary>
    public static readonly Method<SnapshotSaveRequest, SnapshotChunk> SnapshotSave = new(
        MethodType.ServerStreaming, ServiceName, "SnapshotSave", Json<SnapshotSaveRequest>(), Json<SnapshotChunk>());

    /// <summary>A client agent has a server's CA sign its leaf (Consul's ConnectCA.Sign); the key stays on the agent.</summary>
    public static readonly Method<SignLeafRequest, Connect.LeafCertificate> SignLeaf = new(
        MethodType.Unary, ServiceName, "SignLeaf", Json<SignLeafRequest>(), Json<Connect.LeafCertificate>());

    private static Marshaller<T> Json<T>() => new(
        value => JsonSerializer.SerializeToUtf8Bytes(value, StateJson.Options),
        bytes => JsonSerializer.Deserialize<T>(bytes, StateJson.Options)
            ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"empty {typeof(T).Name}")));
}
