using Mesh.Server.Agent;

namespace Mesh.Server.Cli.Commands;

/// <summary><c>mesh version</c> (also <c>mesh -v</c>, <c>mesh --version</c>), laid out like <c>consul version</c>.</summary>
internal static class VersionCommand
{
    /// <summary>The gossip protocol versions members report in their <c>vsn</c> tags, as Consul's.</summary>
    public const int ProtocolDefault = 2;
    public const int ProtocolMin = 2;
    public const int ProtocolMax = 3;

    private const string Help = """
        Usage: mesh version [options]

          Prints the mesh version and the protocol versions it speaks.
        """;

    public static CliCommand Create(CliContext context)
    {
        var command = new CliCommand("version", "Prints the mesh version", Help);
        command.SetAction(result =>
        {
            // Consul's formatter ends its text with a newline and the UI adds one more.
            context.Info($"MeshAspire v{AgentVersion.Version}\n" +
                $"Protocol {ProtocolDefault} spoken by default, understands {ProtocolMin} to {ProtocolMax} " +
                $"(agent will automatically use protocol >{ProtocolDefault} when speaking to compatible agents)\n");
            return 0;
        });
        return command;
    }
}
