using Mesh.Server.Cli.Api;
using Mesh.Server.Cli.Flags;
using Mesh.Server.Cluster;

namespace Mesh.Server.Cli.Commands.Snapshot;

/// <summary>
/// <c>mesh snapshot save FILE</c>: downloads a snapshot to FILE.unverified, checks its checksums, and only then
/// moves it to FILE, as Consul does.
/// </summary>
internal static class SnapshotSaveCommand
{
    private const string Help = """
        Usage: mesh snapshot save [options] FILE

          Retrieves an atomic, point-in-time snapshot of the state of the Consul servers
          which includes key/value entries, service catalog, prepared queries, sessions,
          and ACLs.

          If ACLs are enabled, a management token must be supplied in order to perform
          snapshot operations.

          To create a snapshot from the leader server and save it to "backup.snap":

            $ mesh snapshot save backup.snap

          To create a potentially stale snapshot from any available server (useful if no
          leader is available):

            $ mesh snapshot save -stale backup.snap

          For a full list of options and examples, please see the Consul documentation.
        """;

    public static CliCommand Create(CliContext context)
    {
        var command = new CliCommand("save", "Saves snapshot of Consul server state", Help);
        var http = HttpFlags.AddTo(command, serverFlags: true);
        command.SetApiAction(http, context, SnapshotFileArgument.One, (result, args, api) => api.ConnectAsync(async client =>
        {
            var file = args[0];
            var unverified = file + ".unverified";
            try
            {
                ulong index;
                try
                {
                    await using var output = new FileStream(unverified, FileMode.Create, FileAccess.Write, FileShare.None);
                    index = await client.SnapshotSaveAsync(http.IsStale(result), output, api.CancellationToken);
                }
                catch (ApiException ex)
                {
                    return context.Fail($"Error saving snapshot: {ex.Message}");
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    return context.Fail($"Error writing unverified snapshot file: {ex.Message}");
                }
                if (Verify(unverified, context) is { } failed)
                {
                    return failed;
                }
                try
                {
                    File.Move(unverified, file, overwrite: true);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    return context.Fail($"Error renaming \"{unverified}\" to \"{file}\": {ex.Message}");
                }
                return context.Succeed($"Saved and verified snapshot to index {index}");
            }
            finally
            {
                File.Delete(unverified);
            }
        }));
        return command;
    }

    private static int? Verify(string file, CliContext context)
    {
        try
        {
            using var saved = File.OpenRead(file);
            SnapshotArchive.Read(saved);
            return null;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            return context.Fail($"Error verifying snapshot file: {ex.Message}");
        }
    }
}
