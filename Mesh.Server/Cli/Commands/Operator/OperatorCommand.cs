namespace Mesh.Server.Cli.Commands.Operator;

/// <summary><c>mesh operator</c>: cluster-level tools; for now the Raft subsystem.</summary>
internal static class OperatorCommand
{
    // Consul's own words (its `consul operator --help`), with the program named mesh.
    private const string Help = """
        Usage: mesh operator <subcommand> [options]

          Provides cluster-level tools for Consul operators, such as interacting with
          the Raft subsystem. NOTE: Use this command with extreme caution, as improper
          use could lead to a Consul outage and even loss of data.

          If ACLs are enabled then a token with operator privileges may be required in
          order to use this command. Requests are forwarded internally to the leader
          if required, so this can be run from any Consul node in a cluster.

          Run mesh operator <subcommand> with no arguments for help on that
          subcommand.
        """;

    public static CliCommand Create(CliContext context) =>
        CliCommand.Group(context, "operator", "Provides cluster-level tools for Consul operators", Help,
            OperatorRaftCommand.Create(context));
}
