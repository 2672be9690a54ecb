using System.Text.Json;
using Grpc.Core;

namespace Mesh.Connect.Proxy;

/// <summary>
/// The agent's proxy configuration stream on its gRPC port (Consul's 8502): a sidecar opens one server stream and
/// receives a <see cref="ProxySnapshot"/> at once and after every change. JSON bodies keep the contract in C#
/// records, shared by both ends.
/// </summary>
public static class ProxyConfigMethods
{
    public const string ServiceName = "mesh.connect.v1.ProxyConfig";

    public static readonly Method<ProxyWatchRequest, ProxySnapshot> Watch = new(
        MethodType.ServerStreaming, ServiceName, "Watch", Json<ProxyWatchRequest>(), Json<ProxySnapshot>());

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General);

    private static Marshaller<T> Json<T>() => new(
        value => JsonSerializer.SerializeToUtf8Bytes(value, Options),
        bytes => JsonSerializer.Deserialize<T>(bytes, Options)
            ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"empty {typeof(T).Name}")));
}
