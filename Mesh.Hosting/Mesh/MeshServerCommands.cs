using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting.Mesh;

/// <summary>A server's dashboard commands (Aspire's own stop/start/restart come with every project resource).</summary>
internal static class MeshServerCommands
{
    public const string Snapshot = "mesh-snapshot-save";
    public const string TransferLeader = "mesh-transfer-leader";

    public static void Add(IResourceBuilder<ProjectResource> server, MeshServer member, MeshDatacenterResource datacenter)
    {
        server.WithCommand(Snapshot, "Save snapshot", async context =>
            {
                var directory = Directory.CreateDirectory(datacenter.SnapshotDirectory).FullName;
                var file = Path.Combine(directory, $"{server.Resource.Name}-{DateTime.UtcNow.ToString("yyyyMMddTHHmmss", CultureInfo.InvariantCulture)}.snap");
                return await RunAsync(() => MeshApi.SaveSnapshotAsync(member.Ports, file, context.CancellationToken), $"Saved {file}").ConfigureAwait(false);
            },
            new CommandOptions { Description = "Saves the datacenter's state to a file, as `mesh snapshot save`.", IconName = "Camera", UpdateState = WhenHealthy });
        server.WithCommand(TransferLeader, "Transfer leadership", context =>
                RunAsync(() => MeshApi.TransferLeadershipAsync(member.Ports, context.CancellationToken), "Leadership transferred"),
            new CommandOptions { Description = "Hands Raft leadership to another server.", IconName = "ArrowSwap", UpdateState = WhenHealthy });
    }

    internal static ResourceCommandState WhenHealthy(UpdateCommandStateContext context) =>
        context.ResourceSnapshot.HealthStatus is HealthStatus.Healthy ? ResourceCommandState.Enabled : ResourceCommandState.Disabled;

    internal static async Task<ExecuteCommandResult> RunAsync(Func<Task> call, string done)
    {
        try
        {
            await call().ConfigureAwait(false);
            return CommandResults.Success(done);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return CommandResults.Failure(e.Message);
        }
    }
}
