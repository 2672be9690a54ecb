using Mesh.Server.Cli.Api;
using Mesh.Server.Cli.Flags;

namespace Mesh.Server.Cli.Commands.Intention;

/// <summary><c>mesh intention match</c>: the intentions that apply to a destination (or with -source, a source).</summary>
internal static class IntentionMatchCommand
{
    private const string Help = """
        Usage: mesh intention match [options] SRC|DST

          Show the list of intentions that would be enforced for a given source
          or destination. The intentions are listed in the order they would be
          evaluated.

              $ mesh intention match db
              $ mesh intention match -source web
        """;

    public static CliCommand Create(CliContext context)
    {
        var source = GoFlag.Bool("source", "Match intentions with the given source.");
        var destination = GoFlag.Bool("destination", "Match intentions with the given destination.");
        var command = new CliCommand("match", "Show intentions that match a source or destination.", Help) { source, destination };
        var http = HttpFlags.AddTo(command, serverFlags: false);
        command.SetApiAction(http, context, Positionals.Any, async (result, args, api) =>
        {
            if (args is not [var name])
            {
                return context.Fail("Error: command requires exactly one argument: src or dst");
            }
            var bySource = result.GetValue(source);
            if (bySource && result.GetValue(destination))
            {
                return context.Fail("Error: only one of -source or -destination may be specified");
            }
            return await api.CallAsync("Error matching the connection", async (client, cancellationToken) =>
            {
                foreach (var intention in await client.IntentionMatchAsync(bySource, name, cancellationToken))
                {
                    context.Info(intention.ToString());
                }
                return 0;
            });
        });
        return command;
    }
}
