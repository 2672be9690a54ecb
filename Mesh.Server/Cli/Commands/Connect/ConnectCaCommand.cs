namespace Mesh.Server.Cli.Commands.Connect;

/// <summary><c>mesh connect ca</c>: view or change the Connect CA configuration.</summary>
internal static class ConnectCaCommand
{
    private const string Help = """
        Usage: mesh connect ca <subcommand> [options] [args]

          This command has subcommands for interacting with Consul Connect's
          Certificate Authority (CA).

          Here are some simple examples, and more detailed examples are available
          in the subcommands or the documentation.

          Get the configuration:

            $ mesh connect ca get-config

          Update the configuration:

            $ mesh connect ca set-config -config-file ca.json

          For more examples, ask for subcommand help or view the documentation.
        """;

    public static CliCommand Create(CliContext context) =>
        CliCommand.Group(context, "ca", "Interact with the Consul Connect Certificate Authority (CA)", Help,
            ConnectCaGetConfigCommand.Create(context),
            ConnectCaSetConfigCommand.Create(context));
}
