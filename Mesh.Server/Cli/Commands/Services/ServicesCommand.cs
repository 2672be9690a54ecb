namespace Mesh.Server.Cli.Commands.Services;

internal static class ServicesCommand
{
    private const string Help = """
        Usage: mesh services <subcommand> [options] [args]

          This command has subcommands for interacting with services. The subcommands
          default to working with services registered with the local agent.

          To register a simple service:

              $ mesh services register -name=web

          To register a service from a configuration file:

              $ mesh services register web.json

          To deregister a service:

              $ mesh services deregister -id=web

          For more examples, ask for subcommand help or view the documentation.
        """;

    public static CliCommand Create(CliContext context) =>
        CliCommand.Group(context, "services", "Interact with services", Help,
            ServicesRegisterCommand.Create(context), ServicesDeregisterCommand.Create(context));
}
