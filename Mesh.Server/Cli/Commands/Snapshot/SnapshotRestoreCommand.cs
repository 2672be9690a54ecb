using Mesh.Server.Cli.Api;
using Mesh.Server.Cli.Flags;

namespace Mesh.Server.Cli.Commands.Snapshot;

/// <summary><c>mesh snapshot restore FILE</c>: replaces the state of every server with the snapshot's.</summary>
internal static class SnapshotRestoreCommand
{
    private const string Help = """
        Usage: mesh snapshot restore [options] FILE

          Restores an atomic, point-in-time snapshot of the state of the Consul servers
          which includes key/value entries, service catalog, prepared queries, sessions,
          and ACLs.

          Restores involve a potentially dangerous low-level Raft operation that is not
          designed to handle server failures during a restore. This command is primarily
          intended to be used when recovering from a disaster, restoring into a fresh
          cluster of Consul servers.

          If ACLs are enabled, a management token must be supplied in order to perform
          snapshot operations.

          To restore a snapshot from the file "backup.snap":

            $ mesh snapshot restore backup.snap

          For a full list of options and examples, please see the Consul documentation.
        """;

    public static CliCommand Create(CliContext context)
    {
        var command = new CliCommand("restore", "Restores snapshot of Consul server state", Help);
        var http = HttpFlags.AddTo(command, serverFlags: true);
        command.SetApiAction(http, context, SnapshotFileArgument.One, (_, args, api) => api.ConnectAsync(async client =>
        {
            await using var archive = SnapshotFileArgument.Open(args[0], context);
            if (archive is null)
            {
                return 1;
            }
            return await api.GuardAsync("Error restoring snapshot", async () =>
            {
                await client.SnapshotRestoreAsync(archive, api.CancellationToken);
                return context.Succeed("Restored snapshot");
            });
        }));
        return command;
    }
}
