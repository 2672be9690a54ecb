using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Mesh;

/// <summary>Shows a mesh port as an endpoint of its resource (not proxied: see <see cref="MeshPorts"/>).</summary>
internal static class MeshEndpoints
{
    public static IResourceBuilder<T> WithMeshEndpoint<T>(this IResourceBuilder<T> builder, string name, int port, string scheme)
        where T : IResourceWithEndpoints =>
        builder.WithEndpoint(name, endpoint =>
        {
            endpoint.UriScheme = scheme;
            endpoint.Port = port;
            endpoint.TargetPort = port;
            endpoint.IsProxied = false;
        });

    public static IResourceBuilder<ProjectResource> WithAgentEndpoints(this IResourceBuilder<ProjectResource> builder, MeshAgentPorts ports) =>
        builder.WithMeshEndpoint("http", ports.Http, "http")
            .WithMeshEndpoint("serf", ports.SerfLan, "tcp")
            .WithMeshEndpoint("grpc", ports.Grpc, "tcp");
}
