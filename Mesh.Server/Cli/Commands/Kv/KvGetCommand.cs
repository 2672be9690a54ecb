using System.Text;
using Mesh.Server.Cli.Api;
using Mesh.Server.Cli.Flags;
using Mesh.Server.Cli.Output;

namespace Mesh.Server.Cli.Commands.Kv;

/// <summary><c>mesh kv get</c>: a value, a prefix's <c>key:value</c> lines, or its keys.</summary>
internal static class KvGetCommand
{
    private const string Help = """
        Usage: mesh kv get [options] [KEY_OR_PREFIX]

          Retrieves the value from the key-value store at the given key name. If no
          key exists with that name, an error is returned. If a key exists with that
          name but has no data, nothing is returned. If the name or prefix is omitted,
          it defaults to "" which is the root of the key-value store.

          To retrieve the value for the key named "foo":

              $ mesh kv get foo

          To view all metadata about the key, including its ModifyIndex and flags:

              $ mesh kv get -detailed foo

          To list all key-value pairs under a prefix:

              $ mesh kv get -recurse foo

          To list only the keys under a prefix:

              $ mesh kv get -keys foo
        """;

    public static CliCommand Create(CliContext context)
    {
        var base64 = GoFlag.Bool("base64", "Base64 encode the value. The default value is false.");
        var detailed = GoFlag.Bool("detailed",
            "Provide additional metadata about the key in addition to the value such as the ModifyIndex and any " +
            "flags that may have been set on the key. The default value is false.");
        var keys = GoFlag.Bool("keys",
            "List keys which start with the given prefix, but not their values. This option is commonly combined " +
            "with the -separator option. The default value is false.");
        var recurse = GoFlag.Bool("recurse",
            "Recursively look at all keys prefixed with the given path. The default value is false.");
        var separator = GoFlag.StringWithDefault("separator",
            "String to use as a separator between keys. The default value is \"/\", but this option is only " +
            "taken into account when paired with the -keys flag.", "/", "string");

        var command = new CliCommand("get", "Retrieves or lists data from the KV store", Help) { base64, detailed, keys, recurse, separator };
        var http = HttpFlags.AddTo(command, serverFlags: true);
        command.SetApiAction(http, context, Positionals.AtMost(1), async (result, args, api) =>
        {
            var key = KvArguments.KeyOrPrefix(args);
            var listing = result.GetValue(recurse) || result.GetValue(keys);
            if (key.Length == 0 && !listing)
            {
                return context.Fail(KvArguments.MissingKey);
            }

            var stale = http.IsStale(result);
            var encode = result.GetValue(base64);
            return await api.CallAsync("Error querying Consul agent", async (client, cancellationToken) =>
            {
                var showKeys = result.GetValue(keys);
                var showDetails = result.GetValue(detailed);
                if (showKeys && !result.GetValue(recurse))
                {
                    foreach (var name in await client.KvKeysAsync(key, result.GetValue(separator) ?? "", stale, cancellationToken))
                    {
                        context.Info(name);
                    }
                    return 0;
                }
                if (showKeys || result.GetValue(recurse))
                {
                    // -keys with -recurse lists every key under the prefix, without values.
                    var pairs = await client.KvListAsync(key, stale, cancellationToken);
                    for (var i = 0; i < pairs.Count; i++)
                    {
                        if (showDetails)
                        {
                            context.Info(Detailed(pairs[i], encode, withValue: !showKeys));
                            if (i < pairs.Count - 1)
                            {
                                context.Info("");
                            }
                        }
                        else
                        {
                            context.Info(showKeys ? pairs[i].Key : $"{pairs[i].Key}:{Value(pairs[i], encode)}");
                        }
                    }
                    return 0;
                }

                var pair = await client.KvGetAsync(key, stale, cancellationToken);
                if (pair is null)
                {
                    return context.Fail($"Error! No key exists at: {key}");
                }
                return context.Succeed(showDetails ? Detailed(pair, encode, withValue: true) : Value(pair, encode));
            });
        });
        return command;
    }

    private static string Value(KvPair pair, bool base64) =>
        base64 ? Convert.ToBase64String(pair.Value ?? []) : Encoding.UTF8.GetString(pair.Value ?? []);

    /// <summary>Consul's field table: names padded by a tabwriter (padding 6), Session "-" when unset.</summary>
    private static string Detailed(KvPair pair, bool base64, bool withValue) => TabWriter.Format(
        $"CreateIndex\t{pair.CreateIndex}\n" +
        $"Flags\t{pair.Flags}\n" +
        $"Key\t{pair.Key}\n" +
        $"LockIndex\t{pair.LockIndex}\n" +
        $"ModifyIndex\t{pair.ModifyIndex}\n" +
        $"Session\t{(string.IsNullOrEmpty(pair.Session) ? "-" : pair.Session)}\n" +
        (withValue ? $"Value\t{Value(pair, base64)}" : ""),
        padding: 6);
}
