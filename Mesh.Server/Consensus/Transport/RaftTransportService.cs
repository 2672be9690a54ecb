using Grpc.Core;
using Microsoft.Extensions.Hosting;

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
        binder.AddMethod(RaftTransportMethods.Stream, service is null ? null! : service.Stream);
    }

    public abstract Task<RaftStreamAck> Stream(IAsyncStreamReader<RaftBatch> requestStream, ServerCallContext context);
}

/// <summary>
/// The receiving side: hands every message of a peer's stream to whichever server is attached to the inbox.
/// A stream ends when the peer closes it, when a batch is malformed (InvalidArgument, to that peer only), or when
/// this process stops: the endpoint would otherwise wait for peers that never hang up.
/// </summary>
public sealed class RaftTransportService(RaftInbox inbox, IHostApplicationLifetime lifetime) : RaftTransportBase
{
    public override async Task<RaftStreamAck> Stream(IAsyncStreamReader<RaftBatch> requestStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        using var end = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        try
        {
            while (await requestStream.MoveNext(end.Token).ConfigureAwait(false))
            {
                foreach (var message in requestStream.Current.Messages)
                {
                    inbox.Deliver(message);
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Stopping: answer, so the peer reconnects (to whatever listens here next).
        }
        return RaftStreamAck.Instance;
    }
}
