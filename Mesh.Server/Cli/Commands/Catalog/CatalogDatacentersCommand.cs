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
        command.SetAction(async (result, cancellationToken) =>
        {
            var args = command.GetPositionals(result);
            if (args.Length > 0)
            {
                return context.Fail($"Too many arguments (expected 0, got {args.Length})");
            }
            using var client = http.CreateClient(result, context);
            if (client is null)
            {
                return 1;
            }
            try
            {
                foreach (var datacenter in await client.CatalogDatacentersAsync(cancellationToken))
                {
                    context.Info(datacenter);
                }
                return 0;
            }
            catch (ApiException ex)
            {
                return context.Fail($"Error listing datacenters: {ex.Message}");
            }
        });
        return command;
    }
}
