namespace Mesh.Server.Cli.Commands.Intention;

/// <summary><c>mesh intention</c>: which services may connect to which.</summary>
internal static class IntentionCommand
{
    private const string Help = """
        Usage: mesh intention <subcommand> [options] [args]

          This command has subcommands for interacting with intentions. Intentions
          are permissions describing which services are allowed to communicate via
          Connect. Here are some simple examples, and more detailed examples are
          available in the subcommands or the documentation.

          Create an intention to allow "web" to talk to "db":

              $ mesh intention create web db

          Test whether a "web" is allowed to connect to "db":

              $ mesh intention check web db

          Find all intentions for communicating to the "db" service:

              $ mesh intention match db

          For more examples, ask for subcommand help or view the documentation.
        """;

    public static CliCommand Create(CliContext context) =>
        CliCommand.Group(context, "intention", "Interact with Connect service intentions", Help,
            IntentionCheckCommand.Create(context),
            IntentionCreateCommand.Create(context),
            IntentionDeleteCommand.Create(context),
            IntentionGetCommand.Create(context),
            IntentionListCommand.Create(context),
            IntentionMatchCommand.Create(context));
}
