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
        var cas = KvArguments.Cas();
        var modifyIndex = KvArguments.ModifyIndex();
        var recurse = GoFlag.Bool("recurse", "Recursively delete all keys with the path. The default value is false.");

        var command = new CliCommand("delete", "Removes data from the KV store", Help) { cas, modifyIndex, recurse };
        var http = HttpFlags.AddTo(command, serverFlags: true);
        command.SetApiAction(http, context, Positionals.AtMost(1), async (result, args, api) =>
        {
            var key = KvArguments.KeyOrPrefix(args);
            var (isCas, isRecurse, index) = (result.GetValue(cas), result.GetValue(recurse), result.GetValue(modifyIndex) ?? 0);
            if (key.Length == 0 && !isRecurse)
            {
                return context.Fail(KvArguments.MissingKey);
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

            var failure = isRecurse ? $"Error! Did not delete prefix {key}"
                : isCas ? $"Error! Did not delete key {key}"
                : $"Error deleting key {key}";
            return await api.CallAsync(failure, async (client, cancellationToken) =>
            {
                if (isRecurse)
                {
                    await client.KvDeleteAsync(key, recurse: true, cas: null, cancellationToken);
                    return context.Succeed($"Success! Deleted keys with prefix: {key}");
                }
                if (isCas && !await client.KvDeleteAsync(key, recurse: false, cas: index, cancellationToken))
                {
                    return context.Fail($"Error! Did not delete key {key}: CAS failed");
                }
                if (!isCas)
                {
                    await client.KvDeleteAsync(key, recurse: false, cas: null, cancellationToken);
                }
                return context.Succeed($"Success! Deleted key: {key}");
            });
        });
        return command;
    }
}
