using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Mesh;

/// <summary>Allow and deny commands on the datacenter for one intention, so a user sees the mesh refuse live.</summary>
internal static class MeshIntentionCommands
{
    public static string CommandName(string source, string destination, bool allow) => $"mesh-intention-{(allow ? "allow" : "deny")}-{source}-{destination}";

    public static IResourceBuilder<MeshDatacenterResource> Add(IResourceBuilder<MeshDatacenterResource> builder, string source, string destination)
    {
        foreach (var allow in new[] { true, false })
        {
            var intention = new MeshIntention(source, destination, allow);
            var verb = allow ? "Allow" : "Deny";
            builder.WithCommand(CommandName(source, destination, allow), $"{verb} {source} → {destination}", context =>
                    MeshServerCommands.RunAsync(() => SetAsync(builder.Resource, intention, context.CancellationToken), $"{verb}ed {source} → {destination}"),
                new CommandOptions
                {
                    Description = $"{verb}s connections from {source} to {destination} (PUT /v1/connect/intentions/exact).",
                    IconName = allow ? "LockOpen" : "LockClosed",
                    UpdateState = MeshServerCommands.WhenHealthy,
                });
        }
        return builder;
    }

    /// <summary>Writes the intention through the first server that takes it (any server forwards to the leader).</summary>
    public static async Task SetAsync(MeshDatacenterResource datacenter, MeshIntention intention, CancellationToken cancellationToken)
    {
        HttpRequestException? last = null;
        foreach (var server in datacenter.Servers)
        {
            try
            {
                await MeshApi.SetIntentionAsync(server.Ports, intention, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (HttpRequestException e)
            {
                last = e;
            }
        }
        throw last ?? new HttpRequestException("the datacenter has no servers");
    }
}
