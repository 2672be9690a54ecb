namespace Mesh.Server.Cli.Commands.Snapshot;

/// <summary><c>mesh snapshot</c>: saves, restores and inspects snapshots of the servers' state.</summary>
internal static class SnapshotCommand
{
    private const string Help = """
        Usage: mesh snapshot <subcommand> [options] [args]

          This command has subcommands for saving, restoring, and inspecting the state
          of the Consul servers for disaster recovery. These are atomic, point-in-time
          snapshots which include key/value entries, service catalog, prepared queries,
          sessions, and ACLs.

          If ACLs are enabled, a management token must be supplied in order to perform
          snapshot operations.

          Create a snapshot:

              $ mesh snapshot save backup.snap

          Restore a snapshot:

              $ mesh snapshot restore backup.snap

          Inspect a snapshot:

              $ mesh snapshot inspect backup.snap

          For more examples, ask for subcommand help or view the documentation.
        """;

    public static CliCommand Create(CliContext context) =>
        CliCommand.Group(context, "snapshot", "Saves, restores and inspects snapshots of Consul server state", Help,
            SnapshotSaveCommand.Create(context), SnapshotRestoreCommand.Create(context), SnapshotInspectCommand.Create(context));
}
