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
        command.SetAction(async (result, cancellationToken) =>
        {
            var args = command.GetPositionals(result);
            if (args.Length > 0)
            {
                context.Fail($"Error found unexpected args: [{string.Join(' ', args)}]");
                context.Info(CliHelp.Render(command));
                return 1;
            }
            using var client = http.CreateClient(result, context);
            if (client is null)
            {
                return 1;
            }
            try
            {
                await client.AgentLeaveAsync(cancellationToken);
            }
            catch (ApiException ex)
            {
                return context.Fail($"Error leaving: {ex.Message}");
            }
            context.Info("Graceful leave complete");
            return 0;
        });
        return command;
    }
}
