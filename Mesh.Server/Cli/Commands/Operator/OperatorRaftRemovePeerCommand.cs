using Mesh.Server.Cli.Api;
using Mesh.Server.Cli.Flags;

namespace Mesh.Server.Cli.Commands.Operator;

/// <summary><c>mesh operator raft remove-peer</c>: removes a server from the Raft configuration by -id or -address.</summary>
internal static class OperatorRaftRemovePeerCommand
{
    private const string Help = """
        Usage: mesh operator raft remove-peer [options]

          Remove the Consul server with given -address from the Raft configuration.

          There are rare cases where a peer may be left behind in the Raft quorum even
          though the server is no longer present and known to the cluster. This command
          can be used to remove the failed server so that it is no longer affects the Raft
          quorum. If the server still shows in the output of the "mesh members" command,
          it is preferable to clean up by simply running "mesh force-leave" instead of
          this command.
        """;

    public static CliCommand Create(CliContext context)
    {
        var address = GoFlag.String("address", "The address to remove from the Raft configuration.");
        var id = GoFlag.String("id", "The ID to remove from the Raft configuration.");
        var command = new CliCommand("remove-peer", "Remove a Consul server from the Raft configuration", Help) { address, id };
        var http = HttpFlags.AddTo(command, serverFlags: true);
        command.SetApiAction(http, context, Positionals.Any, (result, _, api) =>
        {
            var byAddress = result.GetValue(address) ?? "";
            var byId = result.GetValue(id) ?? "";
            return api.CallAsync("Error removing peer", async (client, cancellationToken) =>
            {
                // Checked once connected, as Consul does.
                if (byAddress.Length == 0 && byId.Length == 0)
                {
                    throw new ApiException("an address or id is required for the peer to remove");
                }
                if (byAddress.Length > 0 && byId.Length > 0)
                {
                    throw new ApiException("cannot give both an address and id");
                }
                if (byAddress.Length > 0)
                {
                    await client.OperatorRaftRemovePeerByAddressAsync(byAddress, cancellationToken);
                    return context.Succeed($"Removed peer with address {GoQuote(byAddress)}");
                }
                await client.OperatorRaftRemovePeerByIdAsync(byId, cancellationToken);
                return context.Succeed($"Removed peer with id {GoQuote(byId)}");
            });
        });
        return command;
    }

    /// <summary>Go's %q for the plain text an ID or address is.</summary>
    private static string GoQuote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
