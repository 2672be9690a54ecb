using Mesh.Server.Cli.Api;
using Mesh.Server.Cli.Flags;

namespace Mesh.Server.Cli.Commands;

/// <summary>
/// <c>mesh join</c>: asks the agent to join each address in turn. Like Consul, a failed address is reported and
/// skipped; the command fails only when no address could be joined.
/// </summary>
internal static class JoinCommand
{
    private const string Help = """
        Usage: mesh join [options] address ...

          Tells a running mesh agent (with "mesh agent") to join the cluster
          by specifying at least one existing member.
        """;

    public static CliCommand Create(CliContext context)
    {
        var wan = GoFlag.Bool("wan", "Joins a server to another server in the WAN pool.");
        var command = new CliCommand("join", "Tell mesh agent to join cluster", Help) { wan };
        var http = HttpFlags.AddTo(command, serverFlags: false);
        var rule = Positionals.CountShowingHelp(1, int.MaxValue, "At least one address to join must be specified.");
        command.SetApiAction(http, context, rule, (result, addresses, api) =>
            api.ConnectAsync(async client =>
            {
                var joins = 0;
                foreach (var address in addresses)
                {
                    var exitCode = await api.GuardAsync($"Error joining address '{address}'", async () =>
                    {
                        await client.AgentJoinAsync(address, result.GetValue(wan), api.CancellationToken);
                        return 0;
                    });
                    joins += exitCode == 0 ? 1 : 0;
                }
                return joins == 0
                    ? context.Fail("Failed to join any nodes.")
                    : context.Succeed($"Successfully joined cluster by contacting {joins} nodes.");
            }));
        return command;
    }
}
