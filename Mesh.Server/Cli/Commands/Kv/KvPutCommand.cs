using System.Text;
using Mesh.Server.Cli.Api;
using Mesh.Server.Cli.Flags;

namespace Mesh.Server.Cli.Commands.Kv;

/// <summary><c>mesh kv put</c>: writes a value given inline, from a file (<c>@path</c>) or stdin (<c>-</c>).</summary>
internal static class KvPutCommand
{
    private const string Help = """
        Usage: mesh kv put [options] KEY [DATA]

          Writes the data to the given path in the key-value store. The data can be of
          any type.

              $ mesh kv put config/redis/maxconns 5

          The data can also be consumed from a file on disk by prefixing with the "@"
          symbol. For example:

              $ mesh kv put config/program/license @license.lic

          Or it can be read from stdin using the "-" symbol:

              $ echo "abcd1234" | mesh kv put config/program/license -

          The DATA argument itself is optional. If omitted, this will create an empty
          key-value pair at the specified path:

              $ mesh kv put webapp/beta/active

          If the -base64 flag is specified, the data will be treated as base 64
          encoded.

          To perform a Check-And-Set operation, specify the -cas flag with the
          appropriate -modify-index flag corresponding to the key you want to perform
          the CAS operation on:

              $ mesh kv put -cas -modify-index=844 config/redis/maxconns 5
        """;

    /// <summary>KEY, then optionally DATA, with kv put's own wording for anything else.</summary>
    private static readonly PositionalRule KeyAndData = static (_, args, context) => args.Length switch
    {
        0 => context.Fail(KvArguments.MissingKey),
        > 2 => context.Fail($"Error! Too many arguments (expected 1 or 2, got {args.Length})"),
        _ => null,
    };

    public static CliCommand Create(CliContext context)
    {
        var cas = KvArguments.Cas();
        var flags = GoFlag.UInt64("flags",
            "Unsigned integer value to assign to this key-value pair. The agent does not read it, so clients can use " +
            "it however makes sense for their use case. The default value is 0 (no flags).");
        var base64 = GoFlag.Bool("base64", "Treat the data as base 64 encoded. The default value is false.");
        var modifyIndex = KvArguments.ModifyIndex();
        var session = GoFlag.String("session",
            "User-defined identifier for this session as a string. This is commonly used with the -acquire and " +
            "-release operations to build robust locking, but it can be set on any key. The default value is empty (no session).");
        var acquire = GoFlag.Bool("acquire",
            "Obtain a lock on the key. If the key does not exist, this operation will create the key and obtain the " +
            "lock. The session must already exist and be specified via the -session flag. The default value is false.");
        var release = GoFlag.Bool("release",
            "Forfeit the lock on the key at the given path. This requires the -session flag to be set. The key must " +
            "be held by the session in order to be unlocked. The default value is false.");

        var command = new CliCommand("put", "Sets or updates data in the KV store", Help) { cas, flags, base64, modifyIndex, session, acquire, release };
        var http = HttpFlags.AddTo(command, serverFlags: true);
        command.SetApiAction(http, context, KeyAndData, async (result, args, api) =>
        {
            var key = args[0];
            byte[] data;
            try
            {
                data = await ReadDataAsync(args.Length == 2 ? args[1] : "", context, api.CancellationToken);
            }
            catch (IOException ex)
            {
                return context.Fail($"Error! {ex.Message}");
            }
            if (result.GetValue(base64))
            {
                try
                {
                    data = Convert.FromBase64String(Encoding.UTF8.GetString(data));
                }
                catch (FormatException)
                {
                    return context.Fail("Error! Cannot base 64 decode data: illegal base64 data");
                }
            }

            var sessionId = result.GetValue(session) ?? "";
            var (isCas, isAcquire, isRelease) = (result.GetValue(cas), result.GetValue(acquire), result.GetValue(release));
            if ((isAcquire || isRelease) && sessionId.Length == 0)
            {
                return context.Fail("Error! Missing -session (required with -acquire and -release)");
            }
            var index = result.GetValue(modifyIndex) ?? 0;
            if (isCas && index == 0)
            {
                return context.Fail("Must specify -modify-index with -cas!");
            }

            var write = new KvWrite
            {
                Flags = result.GetValue(flags) ?? 0,
                Cas = isCas ? index : null,
                Acquire = !isCas && isAcquire ? sessionId : null,
                Release = !isCas && !isAcquire && isRelease ? sessionId : null,
            };
            return await api.CallAsync(isCas ? $"Error! Did not write to {key}" : "Error! Failed writing data", async (client, cancellationToken) =>
                (isCas, isAcquire, isRelease, await client.KvPutAsync(key, data, write, cancellationToken)) switch
                {
                    (true, _, _, false) => context.Fail($"Error! Did not write to {key}: CAS failed"),
                    (false, true, _, false) => context.Fail("Error! Did not acquire lock"),
                    (false, true, _, true) => context.Succeed($"Success! Lock acquired on: {key}"),
                    (false, false, true, false) => context.Fail("Error! Did not release lock"),
                    (false, false, true, true) => context.Succeed($"Success! Lock released on: {key}"),
                    _ => context.Succeed($"Success! Data written to: {key}"),
                });
        });
        return command;
    }

    /// <summary>DATA as Consul reads it: "@path" is a file, "-" is stdin, anything else is the value itself.</summary>
    private static async Task<byte[]> ReadDataAsync(string data, CliContext context, CancellationToken cancellationToken)
    {
        if (data.StartsWith('@'))
        {
            var path = data[1..];
            try
            {
                return await File.ReadAllBytesAsync(path, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                var reason = ex is FileNotFoundException or DirectoryNotFoundException ? $"open {path}: no such file or directory" : ex.Message;
                throw new IOException($"Failed to read file: {reason}", ex);
            }
        }
        if (data == "-")
        {
            return Encoding.UTF8.GetBytes(await context.In.ReadToEndAsync(cancellationToken));
        }
        return Encoding.UTF8.GetBytes(data);
    }
}
