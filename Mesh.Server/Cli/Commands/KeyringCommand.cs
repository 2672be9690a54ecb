using System.Text;
using Mesh.Server.Cli.Api;
using Mesh.Server.Cli.Flags;

namespace Mesh.Server.Cli.Commands;

/// <summary>
/// <c>mesh keyring</c>: lists and rotates the gossip encryption keys of the whole pool, with Consul's flags and
/// output ("==> " before progress lines, "error: " before failures, exit 1 when any member failed).
/// </summary>
internal static class KeyringCommand
{
    private const int MaxRelayFactor = 5;

    private const string Help = """
        Usage: mesh keyring [options]

          Manages encryption keys used for gossip messages. Gossip encryption is
          optional. When enabled, this command may be used to examine active encryption
          keys in the cluster, add new keys, and remove old ones. When combined, this
          functionality provides the ability to perform key rotation cluster-wide,
          without disrupting the cluster.

          All operations performed by this command can only be run against server nodes,
          and affect both the LAN and WAN keyrings in lock-step.

          All variations of the keyring command return 0 if all nodes reply and there
          are no errors. If any node fails to reply or reports failure, the exit code
          will be 1.
        """;

    public static CliCommand Create(CliContext context)
    {
        var install = GoFlag.String("install",
            "Install a new encryption key. This will broadcast the new key to all members in the cluster.");
        var use = GoFlag.String("use",
            "Change the primary encryption key, which is used to encrypt messages. The key must already be " +
            "installed before this operation can succeed.");
        var remove = GoFlag.String("remove",
            "Remove the given key from the cluster. This operation may only be performed on keys which are " +
            "not currently the primary key.");
        var list = GoFlag.Bool("list", "List all keys currently in use within the cluster.");
        var listPrimary = GoFlag.Bool("list-primary", "List all primary keys currently in use within the cluster.");
        var relay = GoFlag.Int("relay-factor",
            "Setting this to a non-zero value will cause nodes to relay their response to the operation through " +
            $"this many randomly-chosen other nodes in the cluster. The maximum allowed value is {MaxRelayFactor}.");
        var localOnly = GoFlag.Bool("local-only",
            "Setting this to true will force the keyring query to only hit local servers (no WAN traffic). " +
            "This flag can only be set for list queries.");

        var command = new CliCommand("keyring", "Manages gossip layer encryption keys", Help)
        {
            install, use, remove, list, listPrimary, relay, localOnly,
        };
        var http = HttpFlags.AddTo(command, serverFlags: false);
        command.SetApiAction(http, context, Positionals.Any, (result, _, api) =>
        {
            var installKey = result.GetValue(install) ?? "";
            var useKey = result.GetValue(use) ?? "";
            var removeKey = result.GetValue(remove) ?? "";
            var listKeys = result.GetValue(list);
            var listPrimaryKeys = result.GetValue(listPrimary);
            var actions = new[] { listKeys, listPrimaryKeys, installKey.Length > 0, useKey.Length > 0, removeKey.Length > 0 }.Count(chosen => chosen);
            if (actions == 0)
            {
                return Task.FromResult(context.Fail(CliHelp.Render(command)));
            }
            if (actions > 1)
            {
                return Task.FromResult(context.Fail("Only a single action is allowed"));
            }
            var relayFactor = result.GetValue(relay) ?? 0;
            if (relayFactor is < 0 or > MaxRelayFactor)
            {
                return Task.FromResult(context.Fail($"Error parsing relay factor: Relay factor must be in range: [0, {MaxRelayFactor}]"));
            }
            // As in Consul, only -list (not -list-primary) may be local-only.
            if (result.GetValue(localOnly) && !listKeys)
            {
                return Task.FromResult(context.Fail("Error validating local-only: local-only can only be set for list requests"));
            }
            return api.ConnectAsync(client =>
            {
                if (listKeys || listPrimaryKeys)
                {
                    context.Info(listKeys ? "==> Gathering installed encryption keys..." : "==> Gathering installed primary encryption keys...");
                    return api.GuardAsync("error", async () =>
                    {
                        var pools = await client.OperatorKeyringListAsync(relayFactor, result.GetValue(localOnly), api.CancellationToken);
                        foreach (var pool in pools)
                        {
                            context.Info(Format(pool, listKeys ? pool.Keys : pool.PrimaryKeys));
                        }
                        return 0;
                    });
                }
                var (progress, key, change) = installKey.Length > 0
                    ? ("Installing new gossip encryption key...", installKey, (Func<string, int, CancellationToken, Task>)client.OperatorKeyringInstallAsync)
                    : useKey.Length > 0
                        ? ("Changing primary gossip encryption key...", useKey, client.OperatorKeyringUseAsync)
                        : ("Removing gossip encryption key...", removeKey, client.OperatorKeyringRemoveAsync);
                context.Info("==> " + progress);
                return api.GuardAsync("error", async () =>
                {
                    await change(key, relayFactor, api.CancellationToken);
                    return 0;
                });
            });
        });
        return command;
    }

    /// <summary>A blank line, "dc1 (LAN):", each member's message, then each key with its member count.</summary>
    private static string Format(KeyringEntry pool, IReadOnlyDictionary<string, int>? keys)
    {
        var text = new StringBuilder("\n");
        text.Append(pool.WAN ? "WAN" : $"{pool.Datacenter} (LAN)");
        if (pool.Segment.Length > 0)
        {
            text.Append(" [").Append(pool.Segment).Append(']');
        }
        text.Append(":\n");
        foreach (var (node, message) in (pool.Messages ?? []).OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            text.Append("  ===> ").Append(node).Append(": ").Append(message).Append('\n');
        }
        foreach (var (key, count) in (keys ?? new Dictionary<string, int>()).OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            text.Append("  ").Append(key).Append(" [").Append(count).Append('/').Append(pool.NumNodes).Append("]\n");
        }
        return text.ToString().TrimEnd('\n');
    }
}
