using Mesh.Server.Cli.Api;
using Mesh.Server.Cli.Flags;

namespace Mesh.Server.Cli.Commands.Operator;

/// <summary><c>mesh operator raft transfer-leader</c>: hands Raft leadership to -id, or to the best other voter.</summary>
internal static class OperatorRaftTransferLeaderCommand
{
    private const string Help = """
        Usage: mesh operator raft transfer-leader [options]

          Transfer raft leadership to another node.
        """;

    public static CliCommand Create(CliContext context)
    {
        var id = GoFlag.String("id", "The ID of the node to transfer leadership to.");
        var command = new CliCommand("transfer-leader", "Transfer raft leadership to another node", Help) { id };
        var http = HttpFlags.AddTo(command, serverFlags: true);
        command.SetApiAction(http, context, Positionals.Any, (result, _, api) =>
            api.CallAsync("Error transfering leadership", async (client, cancellationToken) =>
            {
                bool success;
                try
                {
                    success = await client.OperatorRaftTransferLeaderAsync(result.GetValue(id), http.IsStale(result), cancellationToken);
                }
                catch (ApiException ex)
                {
                    // Consul's wording, without a colon.
                    throw new ApiException($"Failed to transfer leadership {ex.Message}");
                }
                return success ? context.Succeed("Success") : throw new ApiException("Failed to transfer leadership");
            }));
        return command;
    }
}
