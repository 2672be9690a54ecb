using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Mesh;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

/// <summary>Puts a project on the mesh: a client agent that registers it, and a sidecar beside it.</summary>
public static class MeshServiceBuilderExtensions
{
    /// <summary>
    /// Registers the project as mesh service <c>name</c> (its resource name) in <paramref name="datacenter"/>. Each
    /// service gets its own client agent (`&lt;name&gt;-agent`, as each node has one in Consul) that loads the service
    /// definition (the app's port, an HTTP check on <paramref name="checkPath"/>, a sidecar and its upstreams) from its
    /// config directory, and a Mesh.Sidecar (`&lt;name&gt;-sidecar`); both are children of the service. The app gets
    /// <c>MESH_HTTP_ADDR</c> (its agent) and <c>MESH_SERVICE_ID</c>, which ServiceDefaults resolves upstreams with.
    /// </summary>
    /// <param name="endpointName">The app's HTTP endpoint; its port is fixed so the agent can check it and the sidecar reach it.</param>
    public static IResourceBuilder<ProjectResource> WithMeshService(this IResourceBuilder<ProjectResource> builder,
        IResourceBuilder<MeshDatacenterResource> datacenter, string endpointName = "http", string checkPath = "/health")
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(datacenter);
        var app = builder.ApplicationBuilder;
        var name = builder.Resource.Name;
        var dc = datacenter.Resource;
        var service = new MeshServiceAnnotation(dc, name, MeshPorts.Free(), MeshAgentPorts.Free(), MeshPorts.Free(), checkPath);
        builder.WithAnnotation(service);
        builder.WithMeshEndpoint(endpointName, service.AppPort, "http");

        var agentName = $"{name}-agent";
        var configDirectory = Path.Combine(dc.RunDirectory, agentName, "config");
        var agent = dc.Projects.AddAgent(app, agentName)
            .WithAgentEndpoints(service.Agent)
            .WithParentRelationship(builder.Resource)
            .WithArgs(context =>
            {
                // Written as the agent starts, so the upstreams added after this call are in it.
                Directory.CreateDirectory(configDirectory);
                File.WriteAllText(Path.Combine(configDirectory, $"{name}.hcl"), MeshServiceDefinition.Hcl(name, service));
                MeshAgentArgs.Add(context, agentName, service.Agent, Path.Combine(dc.RunDirectory, agentName, "data"), dc.JoinAddresses);
                MeshAgentArgs.Flag(context, "config-dir", configDirectory);
            });
        var healthKey = $"{agentName}_leader";
        app.Services.AddHealthChecks().Add(new HealthCheckRegistration(healthKey, _ => new LeaderHealthCheck([service.Agent]), failureStatus: null, tags: null));
        agent.WithHealthCheck(healthKey);

        var adminPort = MeshPorts.Free();
        dc.Projects.AddSidecar(app, $"{name}-sidecar")
            .WithMeshEndpoint("admin", adminPort, "http")
            .WithMeshEndpoint("public", service.SidecarPort, "tcp")
            .WithParentRelationship(builder.Resource)
            .WithArgs("-sidecar-for", name, "-grpc-addr", service.Agent.GrpcAddress, "-admin-bind", $"127.0.0.1:{MeshAgentArgs.Text(adminPort)}")
            .WithHttpHealthCheck("/ready", endpointName: "admin")
            .WaitFor(agent);

        return builder
            .WithEnvironment("MESH_HTTP_ADDR", service.Agent.HttpAddress)
            .WithEnvironment("MESH_SERVICE_ID", name)
            .WaitFor(agent);
    }

    /// <summary>The sidecar listens on 127.0.0.1:<paramref name="localBindPort"/> and carries requests to <paramref name="destination"/> over mTLS.</summary>
    public static IResourceBuilder<ProjectResource> WithUpstream(this IResourceBuilder<ProjectResource> builder, IResourceBuilder<ProjectResource> destination, int localBindPort)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(destination);
        if (!builder.Resource.TryGetLastAnnotation<MeshServiceAnnotation>(out var service))
        {
            throw new InvalidOperationException($"'{builder.Resource.Name}' is not a mesh service: call WithMeshService first.");
        }
        service.Upstreams.Add(new MeshUpstream(destination.Resource.Name, localBindPort));
        return builder;
    }
}
