using System.Text.Json;
using Grpc.Core;
using Mesh.Server.Agent;
using Mesh.Server.Cluster;
using Mesh.Server.Connect;
using Mesh.Server.State;
using Mesh.Server.State.Queries;

namespace Mesh.Server.Rpc;

/// <summary>
/// What protoc would generate for the service: ASP.NET Core's gRPC binder finds each handler as an override,
/// by its method's name, of a virtual method declared on the type that carries <see cref="BindServiceMethodAttribute"/>.
/// </summary>
[BindServiceMethod(typeof(AgentRpcBase), nameof(BindService))]
internal abstract class AgentRpcBase
{
    public static void BindService(ServiceBinderBase binder, AgentRpcBase? service)
    {
        binder.AddMethod(AgentRpcMethods.Apply, service is null ? null! : service.Apply);
        binder.AddMethod(AgentRpcMethods.Query, service is null ? null! : service.Query);
        binder.AddMethod(AgentRpcMethods.RaftStatus, service is null ? null! : service.RaftStatus);
        binder.AddMethod(AgentRpcMethods.Status, service is null ? null! : service.Status);
        binder.AddMethod(AgentRpcMethods.RaftConfiguration, service is null ? null! : service.RaftConfiguration);
        binder.AddMethod(AgentRpcMethods.RemovePeer, service is null ? null! : service.RemovePeer);
        binder.AddMethod(AgentRpcMethods.TransferLeader, service is null ? null! : service.TransferLeader);
        binder.AddMethod(AgentRpcMethods.SnapshotSave, service is null ? null! : service.SnapshotSave);
        binder.AddMethod(AgentRpcMethods.SignLeaf, service is null ? null! : service.SignLeaf);
    }

    public abstract Task<ApplyResult> Apply(StateCommand command, ServerCallContext context);

    public abstract Task<QueryResponse> Query(QueryRequest request, ServerCallContext context);

    public abstract Task<RaftStatusResponse> RaftStatus(RaftStatusRequest request, ServerCallContext context);

    public abstract Task<StatusResponse> Status(StatusRequest request, ServerCallContext context);

    public abstract Task<RaftConfigurationReply> RaftConfiguration(RaftConfigurationRequest request, ServerCallContext context);

    public abstract Task<OperatorResponse> RemovePeer(RaftPeer request, ServerCallContext context);

    public abstract Task<OperatorResponse> TransferLeader(TransferLeaderRequest request, ServerCallContext context);

    public abstract Task SnapshotSave(SnapshotSaveRequest request, IServerStreamWriter<SnapshotChunk> responseStream, ServerCallContext context);

    public abstract Task<LeafCertificate> SignLeaf(SignLeafRequest request, ServerCallContext context);
}

/// <summary>
/// The server side of agent RPC: applies forwarded writes, answers forwarded reads from this server's state, and
/// carries out the status and operator requests client agents (and followers) forward.
/// </summary>
internal sealed class AgentRpcService(
    IStateWriter writer,
    IStateReader reader,
    IClusterStatus cluster,
    IRaftOperator raftOperator,
    Cluster.ServerConsensus? consensus = null,
    LocalLeafSigner? leafSigner = null) : AgentRpcBase
{
    private const int ChunkSize = 1 << 20;

    public override Task<RaftStatusResponse> RaftStatus(RaftStatusRequest request, ServerCallContext context) =>
        Task.FromResult(new RaftStatusResponse(consensus?.Host?.Configuration.Members.Count > 0, consensus?.LeaderAddress));

    public override Task<ApplyResult> Apply(StateCommand command, ServerCallContext context) =>
        AnswerAsync(() => writer.ApplyAsync(command, context.CancellationToken));

    public override Task<QueryResponse> Query(QueryRequest request, ServerCallContext context) =>
        AnswerAsync(async () =>
        {
            if (request.Query is State.ConnectCa.ConnectCaQuery { WithPrivateKeys: true })
            {
                // Servers sign from their own replica; a CA key never leaves a server over the wire.
                throw new RpcException(new Status(StatusCode.PermissionDenied, "CA private keys are not served over RPC"));
            }
            var options = new QueryOptions(request.MinIndex, TimeSpan.FromMilliseconds(request.WaitMilliseconds), request.Consistency);
            var result = await request.Query.QueryUntypedAsync(reader, options, context.CancellationToken).ConfigureAwait(false);
            return new QueryResponse(
                JsonSerializer.SerializeToElement(result.Value, request.Query.ResultType, StateJson.Options),
                result.Index,
                result.KnownLeader,
                (long)Math.Clamp(result.LastContact.TotalMilliseconds, 0, int.MaxValue));
        });

    public override async Task<StatusResponse> Status(StatusRequest request, ServerCallContext context) =>
        new(await cluster.LeaderAsync(context.CancellationToken).ConfigureAwait(false),
            await cluster.PeersAsync(context.CancellationToken).ConfigureAwait(false));

    public override Task<RaftConfigurationReply> RaftConfiguration(RaftConfigurationRequest request, ServerCallContext context) =>
        AnswerAsync(() => raftOperator.ConfigurationAsync(request.Stale, context.CancellationToken));

    public override Task<OperatorResponse> RemovePeer(RaftPeer request, ServerCallContext context) =>
        AnswerAsync(async () =>
        {
            await raftOperator.RemovePeerAsync(request, context.CancellationToken).ConfigureAwait(false);
            return new OperatorResponse();
        });

    public override Task<OperatorResponse> TransferLeader(TransferLeaderRequest request, ServerCallContext context) =>
        AnswerAsync(async () =>
        {
            await raftOperator.TransferLeadershipAsync(request.Id, context.CancellationToken).ConfigureAwait(false);
            return new OperatorResponse();
        });

    public override async Task<LeafCertificate> SignLeaf(SignLeafRequest request, ServerCallContext context)
    {
        if (leafSigner is null)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "Connect must be enabled on the servers to sign leaf certificates"));
        }
        try
        {
            return await leafSigner.SignAsync(request.Service, request.CsrPem, context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, ex.Message));
        }
    }

    public override async Task SnapshotSave(SnapshotSaveRequest request, IServerStreamWriter<SnapshotChunk> responseStream, ServerCallContext context)
    {
        var snapshot = await AnswerAsync(() => raftOperator.SaveSnapshotAsync(request.Stale, context.CancellationToken)).ConfigureAwait(false);
        for (var offset = 0; offset == 0 || offset < snapshot.Archive.Length; offset += ChunkSize)
        {
            var data = snapshot.Archive.AsSpan(offset, Math.Min(ChunkSize, snapshot.Archive.Length - offset)).ToArray();
            await responseStream.WriteAsync(new SnapshotChunk(snapshot.Index, data), context.CancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Failures the caller can act on cross as RPC status codes (see <see cref="RpcErrors"/>).</summary>
    private static async Task<T> AnswerAsync<T>(Func<Task<T>> answer)
    {
        try
        {
            return await answer().ConfigureAwait(false);
        }
        catch (Exception ex) when (RpcErrors.ToRpc(ex) is { } rpc)
        {
            throw rpc;
        }
    }
}
