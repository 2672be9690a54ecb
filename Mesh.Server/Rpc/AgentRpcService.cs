using System.Text.Json;
using Grpc.Core;
using Mesh.Server.Agent;
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
    }

    public abstract Task<ApplyResult> Apply(StateCommand command, ServerCallContext context);

    public abstract Task<QueryResponse> Query(QueryRequest request, ServerCallContext context);

    public abstract Task<RaftStatusResponse> RaftStatus(RaftStatusRequest request, ServerCallContext context);
}

/// <summary>The server side of agent RPC: applies forwarded writes and answers forwarded reads from this server's state.</summary>
internal sealed class AgentRpcService(IStateWriter writer, IStateReader reader, Cluster.ServerConsensus? consensus = null) : AgentRpcBase
{
    public override Task<RaftStatusResponse> RaftStatus(RaftStatusRequest request, ServerCallContext context) =>
        Task.FromResult(new RaftStatusResponse(consensus?.Host?.Configuration.Members.Count > 0, consensus?.LeaderAddress));

    public override async Task<ApplyResult> Apply(StateCommand command, ServerCallContext context)
    {
        try
        {
            return await writer.ApplyAsync(command, context.CancellationToken).ConfigureAwait(false);
        }
        catch (NoServerException ex)
        {
            // Unavailable: the caller may try again (or another server), as with a server that is down.
            throw new RpcException(new Status(StatusCode.Unavailable, ex.Message));
        }
    }

    public override async Task<QueryResponse> Query(QueryRequest request, ServerCallContext context)
    {
        var options = new QueryOptions(request.MinIndex, TimeSpan.FromMilliseconds(request.WaitMilliseconds), request.Consistency);
        try
        {
            var result = await request.Query.QueryUntypedAsync(reader, options, context.CancellationToken).ConfigureAwait(false);
            return new QueryResponse(
                JsonSerializer.SerializeToElement(result.Value, request.Query.ResultType, StateJson.Options),
                result.Index,
                result.KnownLeader,
                (long)Math.Clamp(result.LastContact.TotalMilliseconds, 0, int.MaxValue));
        }
        catch (NoServerException ex)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, ex.Message));
        }
    }
}
