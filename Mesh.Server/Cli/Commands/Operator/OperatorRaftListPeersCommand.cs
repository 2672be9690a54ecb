using System.Globalization;
using Mesh.Server.Cli.Api;
using Mesh.Server.Cli.Flags;
using Mesh.Server.Cli.Output;

namespace Mesh.Server.Cli.Commands.Operator;

/// <summary><c>mesh operator raft list-peers</c>: the Raft configuration as Consul's table, with how far each follower trails.</summary>
internal static class OperatorRaftListPeersCommand
{
    private const string Help = """
        Usage: mesh operator raft list-peers [options]

          Displays the current Raft peer configuration.
        """;

    public static CliCommand Create(CliContext context)
    {
        var command = new CliCommand("list-peers", "Display the current Raft peer configuration", Help);
        var http = HttpFlags.AddTo(command, serverFlags: true);
        command.SetApiAction(http, context, Positionals.Any, (result, _, api) =>
            api.CallAsync("Error getting peers", async (client, cancellationToken) =>
            {
                RaftConfiguration configuration;
                try
                {
                    configuration = await client.OperatorRaftConfigurationAsync(http.IsStale(result), cancellationToken);
                }
                catch (ApiException ex)
                {
                    throw new ApiException($"Failed to retrieve raft configuration: {ex.Message}");
                }
                return context.Succeed(Format(configuration));
            }));
        return command;
    }

    /// <summary>
    /// Consul's columns; "Trails Leader By" counts the entries a server's log is behind the leader's
    /// ("1 commit", "N commits", "-" for the leader itself).
    /// </summary>
    internal static string Format(RaftConfiguration configuration)
    {
        var leaderIndex = configuration.Servers.FirstOrDefault(s => s.Leader)?.LastIndex ?? 0;
        List<string> rows = [Row("Node", "ID", "Address", "State", "Voter", "RaftProtocol", "Commit Index", "Trails Leader By")];
        foreach (var server in configuration.Servers)
        {
            var trails = leaderIndex > server.LastIndex ? leaderIndex - server.LastIndex : 0;
            var trailing = server.Leader ? "-" : trails == 1 ? "1 commit" : $"{trails} commits";
            rows.Add(Row(
                server.Node,
                server.ID,
                server.Address,
                server.Leader ? "leader" : "follower",
                server.Voter ? "true" : "false",
                server.ProtocolVersion.Length == 0 ? "<=1" : server.ProtocolVersion,
                server.LastIndex.ToString(CultureInfo.InvariantCulture),
                trailing));
        }
        return Columnize.Format(rows);
    }

    private static string Row(params string[] fields) => string.Join(Columnize.UnitSeparator, fields);
}
