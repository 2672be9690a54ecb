using Mesh.Server.Cli.Api;
using Mesh.Server.Cli.Flags;

namespace Mesh.Server.Cli.Commands.Intention;

/// <summary><c>mesh intention check</c>: "Allowed" (exit 0) or "Denied" (exit 2) for a connection.</summary>
internal static class IntentionCheckCommand
{
    /// <summary>Consul's exit code for a denied connection, so scripts can tell it from an error (1).</summary>
    public const int DeniedExitCode = 2;

    private const string Help = """
        Usage: mesh intention check [options] SRC DST

          Check whether a connection between SRC and DST would be allowed by
          Connect given the current mesh configuration.

          The exit code is 0 if the connection is allowed, 2 if it is denied, and
          1 on any error.

              $ mesh intention check web db
        """;

    public static CliCommand Create(CliContext context)
    {
        var command = new CliCommand("check", "Check whether a connection between two services is allowed.", Help);
        var http = HttpFlags.AddTo(command, serverFlags: false);
        command.SetApiAction(http, context, Positionals.Any, async (_, args, api) =>
        {
            if (args is not [var source, var destination])
            {
                return context.Fail("Error: command requires exactly two arguments: src and dst");
            }
            return await api.CallAsync("Error checking the connection", async (client, cancellationToken) =>
            {
                if (await client.IntentionCheckAsync(source, destination, cancellationToken))
                {
                    return context.Succeed("Allowed");
                }
                context.Info("Denied");
                return DeniedExitCode;
            });
        });
        return command;
    }
}
