namespace Mesh.Server.Cli.Commands.Connect;

/// <summary><c>mesh connect</c>: the service mesh's tools; for now its CA.</summary>
internal static class ConnectCommand
{
    private const string Help = """
        Usage: mesh connect <subcommand> [options]

          Interact with Consul Connect. For more information on the subcommands, run them
          with -help.
        """;

    public static CliCommand Create(CliContext context) =>
        CliCommand.Group(context, "connect", "Interact with Consul Connect", Help,
            ConnectCaCommand.Create(context));
}
