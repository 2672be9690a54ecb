using Mesh.Server.Cli.Api;
using Mesh.Server.Cli.Flags;

namespace Mesh.Server.Cli.Commands;

/// <summary><c>mesh leave</c>: asks the agent to leave the cluster gracefully and shut down.</summary>
internal static class LeaveCommand
{
    private const string Help = """
        Usage: mesh leave [options]

          Causes the agent to gracefully leave the mesh cluster and shutdown.
        """;

    public static CliCommand Create(CliContext context)
    {
        var command = new CliCommand("leave", "Gracefully leaves the mesh cluster and shuts down", Help);
        var http = HttpFlags.AddTo(command, serverFlags: false);
        command.SetApiAction(http, context, Positionals.NoneShowingHelp, (_, _, api) =>
            api.CallAsync("Error leaving", async (client, cancellationToken) =>
            {
                await client.AgentLeaveAsync(cancellationToken);
                return context.Succeed("Graceful leave complete");
            }));
        return command;
    }
}
