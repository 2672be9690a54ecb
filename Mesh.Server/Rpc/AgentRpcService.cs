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
    }

    public abstract Task<ApplyResult> Apply(StateCommand command, ServerCallContext context);

    public abstract Task<QueryResponse> Query(QueryRequest request, ServerCallContext context);
}

/// <summary>The server side of agent RPC: applies forwarded writes and answers forwarded reads from this server's state.</summary>
internal sealed class AgentRpcService(IStateWriter writer, IStateReader reader, IClusterStatus cluster) : AgentRpcBase
{
    public override Task<ApplyResult> Apply(StateCommand command, ServerCallContext context) =>
        writer.ApplyAsync(command, context.CancellationToken);

    public override async Task<QueryResponse> Query(QueryRequest request, ServerCallContext context)
    {
        var options = new QueryOptions(request.MinIndex, TimeSpan.FromMilliseconds(request.WaitMilliseconds), request.Consistency);
        var result = await request.Query.QueryUntypedAsync(reader, options, context.CancellationToken).ConfigureAwait(false);
        return new QueryResponse(
            JsonSerializer.SerializeToElement(result.Value, request.Query.ResultType, StateJson.Options),
            result.Index,
            cluster.KnownLeader,
            (long)cluster.LastContact.TotalMilliseconds);
    }
}
