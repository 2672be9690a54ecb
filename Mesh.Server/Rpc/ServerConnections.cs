using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client;

namespace Mesh.Server.Rpc;

/// <summary>One HTTP/2 channel per server address, shared by every RPC this agent makes.</summary>
public sealed class ServerConnections : IDisposable
{
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);

    /// <param name="address">A server's RPC address, "host:port".</param>
    public CallInvoker For(string address) =>
        _channels.GetOrAdd(address, a => GrpcChannel.ForAddress($"http://{a}", new GrpcChannelOptions
        {
            // A blocking query answers only after its wait: the channel must not time calls out itself.
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan },
        })).CreateCallInvoker();

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }
    }
}
