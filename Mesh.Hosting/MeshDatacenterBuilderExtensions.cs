using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Mesh;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Aspire.Hosting;

/// <summary>A mesh datacenter in the app host: its servers, configuration and intentions.</summary>
public static class MeshDatacenterBuilderExtensions
{
    /// <summary>
    /// Adds a datacenter resource. <typeparamref name="TMesh"/> is the `mesh` agent project and
    /// <typeparamref name="TSidecar"/> the sidecar project (<c>Projects.Mesh_Server</c>, <c>Projects.Mesh_Sidecar</c>).
    /// </summary>
    public static IResourceBuilder<MeshDatacenterResource> AddMeshDatacenter<TMesh, TSidecar>(this IDistributedApplicationBuilder builder, [ResourceName] string name)
        where TMesh : IProjectMetadata, new()
        where TSidecar : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        var datacenter = new MeshDatacenterResource(name, new MeshProjects(
            (app, agent) => app.AddProject<TMesh>(agent, launchProfileName: null),
            (app, sidecar) => app.AddProject<TSidecar>(sidecar, launchProfileName: null)));
        var healthKey = $"{name}_leader";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthKey, _ => new LeaderHealthCheck(datacenter.Servers.Select(s => s.Ports)), failureStatus: null, tags: null));
        builder.Eventing.Subscribe<BeforeStartEvent>((started, _) =>
        {
            var monitor = new MeshDatacenterMonitor(
                datacenter,
                started.Services.GetRequiredService<ResourceNotificationService>(),
                started.Services.GetRequiredService<ResourceLoggerService>());
            var lifetime = started.Services.GetRequiredService<IHostApplicationLifetime>();
            Task.Run(() => monitor.RunAsync(lifetime.ApplicationStopping), lifetime.ApplicationStopping);
            // Data directories are per run: a new app host starts a new datacenter.
            lifetime.ApplicationStopped.Register(() => DeleteRunDirectory(datacenter));
            return Task.CompletedTask;
        });
        return builder.AddResource(datacenter)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "MeshDatacenter",
                State = KnownResourceStates.Starting,
                Properties = [],
            })
            .WithHealthCheck(healthKey)
            .ExcludeFromManifest();
    }

    private static void DeleteRunDirectory(MeshDatacenterResource datacenter)
    {
        try
        {
            Directory.Delete(datacenter.RunDirectory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A process still closing its files: the folder stays under the temp directory.
        }
    }

    /// <summary>
    /// Adds <paramref name="count"/> server agents (3 or 5 for a datacenter that survives failures): project resources
    /// under the datacenter, each with its own ports and data directory, joined to the others and healthy once they
    /// have a leader. Each has dashboard commands to save a snapshot and to hand leadership over.
    /// </summary>
    public static IResourceBuilder<MeshDatacenterResource> WithServers(this IResourceBuilder<MeshDatacenterResource> builder, int count)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var datacenter = builder.Resource;
        for (var i = 0; i < count; i++)
        {
            var name = $"{datacenter.Name}-server-{datacenter.Servers.Count + 1}";
            var ports = MeshAgentPorts.Free();
            var server = datacenter.Projects.AddAgent(builder.ApplicationBuilder, name)
                .WithAgentEndpoints(ports)
                .WithMeshEndpoint("server", ports.Server, "tcp")
                .WithParentRelationship(datacenter);
            var member = new MeshServer(server.Resource, ports, Path.Combine(datacenter.RunDirectory, name));
            datacenter.Add(member);
            server.WithArgs(context =>
            {
                MeshAgentArgs.Add(context, name, ports, member.DataDirectory, datacenter.JoinAddresses.Where(a => a != ports.SerfAddress));
                context.Args.Add("-server");
                MeshAgentArgs.Flag(context, "bootstrap-expect", MeshAgentArgs.Text(datacenter.Servers.Count));
                foreach (var directory in datacenter.ConfigDirectories)
                {
                    MeshAgentArgs.Flag(context, "config-dir", directory);
                }
            });
            var healthKey = $"{name}_leader";
            builder.ApplicationBuilder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
                healthKey, _ => new LeaderHealthCheck([ports]), failureStatus: null, tags: null));
            server.WithHealthCheck(healthKey);
            MeshServerCommands.Add(server, member, datacenter);
        }
        return builder;
    }

    /// <summary>Loads every HCL/JSON file of <paramref name="path"/> (relative to the app host) on each server (-config-dir).</summary>
    public static IResourceBuilder<MeshDatacenterResource> WithConfigDirectory(this IResourceBuilder<MeshDatacenterResource> builder, string path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Resource.ConfigDirectories.Add(Path.GetFullPath(path, builder.ApplicationBuilder.AppHostDirectory));
        return builder;
    }

    /// <summary>
    /// Writes the intention <paramref name="source"/> → <paramref name="destination"/> once the datacenter has a leader,
    /// and adds dashboard commands on the datacenter to allow or deny it live.
    /// </summary>
    public static IResourceBuilder<MeshDatacenterResource> WithIntention(
        this IResourceBuilder<MeshDatacenterResource> builder, string source, string destination, bool allow = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Resource.Add(new MeshIntention(source, destination, allow));
        return MeshIntentionCommands.Add(builder, source, destination);
    }
}
