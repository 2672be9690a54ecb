namespace Mesh.Server.Cli.Commands.Catalog;

internal static class CatalogCommand
{
    // Consul's own words (its `consul catalog --help`), with the program named mesh.
    private const string Help = """
        Usage: mesh catalog <subcommand> [options] [args]

          This command has subcommands for interacting with Consul's catalog. The
          catalog should not be confused with the agent, although the APIs and
          responses may be similar.

          Here are some simple examples, and more detailed examples are available
          in the subcommands or the documentation.

          List all datacenters:

              $ mesh catalog datacenters

          List all nodes:

              $ mesh catalog nodes

          List all services:

              $ mesh catalog services

          For more examples, ask for subcommand help or view the documentation.
        """;

    public static CliCommand Create(CliContext context) =>
        CliCommand.Group(context, "catalog", "Interact with the catalog", Help,
            CatalogDatacentersCommand.Create(context), CatalogNodesCommand.Create(context), CatalogServicesCommand.Create(context));
}
