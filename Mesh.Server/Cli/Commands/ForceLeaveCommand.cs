using Mesh.Server.Cli.Api;
using Mesh.Server.Cli.Flags;

namespace Mesh.Server.Cli.Commands;

/// <summary><c>mesh force-leave</c>: marks a failed member left. Silent on success, as Consul is.</summary>
internal static class ForceLeaveCommand
{
    // Consul's help text lists the two flags itself, and its usage lists them again under "Command Options".
    private const string Help = """
        Usage: mesh force-leave [options] name

          Forces a member of a mesh cluster to enter the "left" state. Note
          that if the member is still actually alive, it will eventually rejoin
          the cluster. This command is most useful for cleaning out "failed" nodes
          that are never coming back. If you do not force leave a failed node,
          mesh will attempt to reconnect to those failed nodes for some period of
          time before eventually reaping them.

          -prune    Remove agent completely from list of members
          -wan      Exclusively leave the agent from the WAN serf pool.
        """;

    public static CliCommand Create(CliContext context)
    {
        var prune = GoFlag.Bool("prune", "Remove agent completely from list of members");
        var wan = GoFlag.Bool("wan", "Exclusively leave the agent from the WAN serf pool.");
        var command = new CliCommand("force-leave", "Forces a member of the cluster to enter the \"left\" state", Help) { prune, wan };
        var http = HttpFlags.AddTo(command, serverFlags: false);
        var rule = Positionals.CountShowingHelp(1, 1, "A single node name must be specified to force leave.");
        command.SetApiAction(http, context, rule, (result, nodes, api) =>
            api.CallAsync("Error force leaving", async (client, cancellationToken) =>
            {
                await client.AgentForceLeaveAsync(nodes[0], result.GetValue(prune), result.GetValue(wan), cancellationToken);
                return 0;
            }));
        return command;
    }
}
