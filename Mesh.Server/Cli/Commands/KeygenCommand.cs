using Mesh.Server.Gossip;

namespace Mesh.Server.Cli.Commands;

/// <summary><c>mesh keygen</c>: a new gossip encryption key, in the form the agent's <c>encrypt</c> setting takes.</summary>
internal static class KeygenCommand
{
    private const string Help = """
        Usage: mesh keygen

          Generates a new 32-byte encryption key that can be used to configure the
          agent to encrypt traffic. The output of this command is already
          in the proper format that the agent expects.
        """;

    public static CliCommand Create(CliContext context)
    {
        var command = new CliCommand("keygen", "Generates a new encryption key", Help);
        // Consul's keygen ignores positional arguments.
        command.SetAction(context, Positionals.Any, (_, _, _) => Task.FromResult(context.Succeed(GossipKeyring.GenerateKey())));
        return command;
    }
}
