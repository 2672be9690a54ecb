using Mesh.Server.Cli.Api;
using Mesh.Server.Cli.Flags;

namespace Mesh.Server.Cli.Commands.Catalog;

/// <summary><c>mesh catalog datacenters</c>: one datacenter a line, nearest first.</summary>
internal static class CatalogDatacentersCommand
{
    private const string Help = """
        Usage: mesh catalog datacenters [options]

          Retrieves the list of all known datacenters. The datacenters are sorted in
          ascending order based on the estimated median round trip time from the
          servers in this datacenter to the servers in the other datacenters.

          To retrieve the list of datacenters:

              $ mesh catalog datacenters
        """;

    public static CliCommand Create(CliContext context)
    {
        var command = new CliCommand("datacenters", "Lists all known datacenters", Help);
        var http = HttpFlags.AddTo(command, serverFlags: true);
        command.SetApiAction(http, context, Positionals.AtMost(0), (_, _, api) =>
            api.CallAsync("Error listing datacenters", async (client, cancellationToken) =>
            {
                foreach (var datacenter in await client.CatalogDatacentersAsync(cancellationToken))
                {
                    context.Info(datacenter);
                }
                return 0;
            }));
        return command;
    }
}
