using Mesh.Server.Cli.Api;
using Mesh.Server.Cli.Flags;

namespace Mesh.Server.Cli.Commands.Intention;

/// <summary><c>mesh intention delete</c>: by source and destination, or by a legacy ID.</summary>
internal static class IntentionDeleteCommand
{
    private const string Help = """
        Usage: mesh intention delete [options] SRC DST
               mesh intention delete [options] ID

          Delete an intention. This cannot be reversed. The intention can be looked
          up via an exact source/destination match or via the unique intention ID.

              $ mesh intention delete web db
        """;

    public static CliCommand Create(CliContext context)
    {
        var command = new CliCommand("delete", "Delete an intention.", Help);
        var http = HttpFlags.AddTo(command, serverFlags: false);
        command.SetApiAction(http, context, Positionals.Any, async (_, args, api) =>
        {
            if (args.Length is not (1 or 2))
            {
                return context.Fail("command requires exactly 1 or 2 arguments");
            }
            return await api.CallAsync("Error deleting intention", async (client, cancellationToken) =>
            {
                await (args is [var source, var destination]
                    ? client.IntentionDeleteExactAsync(source, destination, cancellationToken)
                    : client.IntentionDeleteAsync(args[0], cancellationToken));
                return context.Succeed("Intention deleted.");
            });
        });
        return command;
    }
}
