namespace Mesh.Server.Cli.Commands.Kv;

internal static class KvCommand
{
    private const string Help = """
        Usage: mesh kv <subcommand> [options] [args]

          This command has subcommands for interacting with the key-value store.
          Here are some simple examples, and more detailed examples are available
          in the subcommands or the documentation.

          Create or update the key named "redis/config/connections" with the value "5":

              $ mesh kv put redis/config/connections 5

          Read this value back:

              $ mesh kv get redis/config/connections

          Or get detailed key information:

              $ mesh kv get -detailed redis/config/connections

          Finally, delete the key:

              $ mesh kv delete redis/config/connections

          For more examples, ask for subcommand help or view the documentation.
        """;

    public static CliCommand Create(CliContext context) =>
        CliCommand.Group(context, "kv", "Interact with the key-value store", Help,
            KvGetCommand.Create(context), KvPutCommand.Create(context), KvDeleteCommand.Create(context));
}
