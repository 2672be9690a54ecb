using System.Globalization;

namespace Aspire.Hosting.Mesh;

/// <summary>The ports of one mesh agent (server or client), fixed when the model is built.</summary>
public sealed record MeshAgentPorts(int Http, int SerfLan, int Server, int Grpc)
{
    internal static MeshAgentPorts Free() => new(MeshPorts.Free(), MeshPorts.Free(), MeshPorts.Free(), MeshPorts.Free());

    public string HttpAddress => $"127.0.0.1:{Http.ToString(CultureInfo.InvariantCulture)}";

    public string SerfAddress => $"127.0.0.1:{SerfLan.ToString(CultureInfo.InvariantCulture)}";

    public string GrpcAddress => $"127.0.0.1:{Grpc.ToString(CultureInfo.InvariantCulture)}";
}
