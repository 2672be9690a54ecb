namespace Mesh.Server.Cli.Commands.Operator;

/// <summary><c>mesh operator raft</c>: the Raft peer set, as Consul's.</summary>
internal static class OperatorRaftCommand
{
    private const string Help = """
        Usage: mesh operator raft <subcommand> [options]

        The Raft operator command is used to interact with Consul's Raft subsystem. The
        command can be used to verify Raft peers or in rare cases to recover quorum by
        removing invalid peers.
        """;

    public static CliCommand Create(CliContext context) =>
        CliCommand.Group(context, "raft", "Provides cluster-level tools for Consul operators", Help,
            OperatorRaftListPeersCommand.Create(context),
            OperatorRaftRemovePeerCommand.Create(context),
            OperatorRaftTransferLeaderCommand.Create(context));
}
