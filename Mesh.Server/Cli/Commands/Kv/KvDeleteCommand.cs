using System.CommandLine;
using Mesh.Server.Cli.Api;
using Mesh.Server.Cli.Flags;

namespace Mesh.Server.Cli.Commands.Kv;

/// <summary><c>mesh kv delete</c>: removes a key, a prefix (<c>-recurse</c>), or a key at an index (<c>-cas</c>).</summary>
internal static class KvDeleteCommand
{
    private const string Help = """
        Usage: mesh kv delete [options] KEY_OR_PREFIX

          Removes the value from the key-value store at the given path. If no key
          exists at the path, no action is taken.

          To delete the value for the key named "foo":

              $ mesh kv delete foo

          To delete all keys which start with "foo", specify the -recurse option:

              $ mesh kv delete -recurse foo

          This will delete the keys named "foo", "food", and "foo/bar/zip" if they
          existed.
        """;

    public static CliCommand Create(CliContext context)
    {
        var cas = GoFlag.Bool("cas",
            "Perform a Check-And-Set operation. Specifying this value also requires the -modify-index flag to be set. " +
            "The default value is false.");
        var modifyIndex = GoFlag.UInt64("modify-index",
            "Unsigned integer representing the ModifyIndex of the key. This is used in combination with the -cas flag.");
        var recurse = GoFlag.Bool("recurse", "Recursively delete all keys with the path. The default value is false.");

        var command = new CliCommand("delete", "Removes data from the KV store", Help) { cas, modifyIndex, recurse };
        var http = HttpFlags.AddTo(command, serverFlags: true);
        command.SetAction(async (result, cancellationToken) =>
        {
            var args = command.GetPositionals(result);
            if (args.Length > 1)
            {
                return context.Fail($"Too many arguments (expected 1, got {args.Length})");
            }
            var key = args.Length == 1 ? args[0].TrimStartOnce('/') : "";
            var (isCas, isRecurse, index) = (result.GetValue(cas), result.GetValue(recurse), result.GetValue(modifyIndex) ?? 0);
            if (key.Length == 0 && !isRecurse)
            {
                return context.Fail("Error! Missing KEY argument");
            }
            if (isCas && index == 0)
            {
                return context.Fail("Cannot delete a key that does not exist. Provide a -modify-index greater than than 0.");
            }
            if (index != 0 && !isCas)
            {
                return context.Fail("Cannot specify -modify-index without -cas!");
            }
            if (isRecurse && isCas)
            {
                return context.Fail("Cannot specify both -cas and -recurse!");
            }

            using var client = http.CreateClient(result, context);
            if (client is null)
            {
                return 1;
            }
            try
            {
                if (isRecurse)
                {
                    await client.KvDeleteAsync(key, recurse: true, cas: null, cancellationToken);
                    context.Info($"Success! Deleted keys with prefix: {key}");
                    return 0;
                }
                if (isCas && !await client.KvDeleteAsync(key, recurse: false, cas: index, cancellationToken))
                {
                    return context.Fail($"Error! Did not delete key {key}: CAS failed");
                }
                if (!isCas)
                {
                    await client.KvDeleteAsync(key, recurse: false, cas: null, cancellationToken);
                }
                context.Info($"Success! Deleted key: {key}");
                return 0;
            }
            catch (ApiException ex)
            {
                return context.Fail(isRecurse ? $"Error! Did not delete prefix {key}: {ex.Message}"
                    : isCas ? $"Error! Did not delete key {key}: {ex.Message}"
                    : $"Error deleting key {key}: {ex.Message}");
            }
        });
        return command;
    }
}
