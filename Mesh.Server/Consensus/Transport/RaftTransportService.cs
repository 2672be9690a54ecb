using Grpc.Core;

namespace Mesh.Server.Consensus.Transport;

/// <summary>
/// What protoc would generate: ASP.NET Core's gRPC binder finds each handler as an override of a virtual method
/// declared on the type that carries <see cref="BindServiceMethodAttribute"/>.
/// </summary>
[BindServiceMethod(typeof(RaftTransportBase), nameof(BindService))]
public abstract class RaftTransportBase
{
    public static void BindService(ServiceBinderBase binder, RaftTransportBase? service)
    {
        ArgumentNullException.ThrowIfNull(binder);
        binder.AddMethod(RaftTransportMethods.Deliver, service is null ? null! : service.Deliver);
    }

    public abstract Task<RaftBatchAck> Deliver(RaftBatch batch, ServerCallContext context);
}

/// <summary>The receiving side: hands every message to whichever server is attached to the inbox.</summary>
public sealed class RaftTransportService(RaftInbox inbox) : RaftTransportBase
{
    private static readonly Task<RaftBatchAck> Ack = Task.FromResult(new RaftBatchAck());

    public override Task<RaftBatchAck> Deliver(RaftBatch batch, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var message in batch.Messages)
        {
            inbox.Deliver(message);
        }
        return Ack;
    }
}
