using Grpc.Core;
using Mesh.Connect.Proxy;
using Mesh.Server.Agent;
using Mesh.Server.State.Queries;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Connect.Proxy;

/// <summary>The binder's view of the service (what protoc would generate), as for agent RPC.</summary>
[BindServiceMethod(typeof(ProxyConfigBase), nameof(BindService))]
internal abstract class ProxyConfigBase
{
    public static void BindService(ServiceBinderBase binder, ProxyConfigBase? service) =>
        binder.AddMethod(ProxyConfigMethods.Watch, service is null ? null! : service.Watch);

    public abstract Task Watch(ProxyWatchRequest request, IServerStreamWriter<ProxySnapshot> responseStream, ServerCallContext context);
}

/// <summary>Streams each sidecar's configuration from the agent's gRPC port for as long as the sidecar stays connected.</summary>
internal sealed class ProxyConfigService(
    LocalAgent agent,
    IStateReader reader,
    LeafCertificates leaves,
    ProxyWatchOptions options,
    TimeProvider time,
    ILogger<ProxyConfigService> logger) : ProxyConfigBase
{
    public override async Task Watch(ProxyWatchRequest request, IServerStreamWriter<ProxySnapshot> responseStream, ServerCallContext context)
    {
        if (string.IsNullOrEmpty(request.ProxyId) == string.IsNullOrEmpty(request.SidecarFor))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "Exactly one of ProxyId and SidecarFor must be given"));
        }
        var watch = new ProxyWatch(agent, reader, leaves, options, time, logger);
        try
        {
            await watch.RunAsync(request, snapshot => responseStream.WriteAsync(snapshot, context.CancellationToken), context.CancellationToken).ConfigureAwait(false);
        }
        catch (ProxyNotFoundException ex)
        {
            throw new RpcException(new Status(StatusCode.NotFound, ex.Message));
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The sidecar went away.
        }
    }
}
