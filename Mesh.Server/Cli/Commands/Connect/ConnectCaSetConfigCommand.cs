using Mesh.Server.Cli.Api;
using Mesh.Server.Cli.Flags;

namespace Mesh.Server.Cli.Commands.Connect;

/// <summary><c>mesh connect ca set-config -config-file F</c>: replaces the CA configuration with the file's.</summary>
internal static class ConnectCaSetConfigCommand
{
    private const string Help = """
        Usage: mesh connect ca set-config [options]

          Modifies the current Connect Certificate Authority (CA) configuration.
        """;

    public static CliCommand Create(CliContext context)
    {
        var file = GoFlag.String("config-file", "The path to the config file to use.");
        var command = new CliCommand("set-config", "Modify the current Connect CA configuration", Help) { file };
        var http = HttpFlags.AddTo(command, serverFlags: false);
        command.SetApiAction(http, context, Positionals.NoneShowingHelp, async (result, _, api) =>
        {
            if (result.GetValue(file) is not { Length: > 0 } path)
            {
                return context.Fail("-config-file is required");
            }
            byte[] body;
            try
            {
                body = await File.ReadAllBytesAsync(path, api.CancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return context.Fail($"Error reading config file: {ex.Message}");
            }
            return await api.CallAsync("Error setting CA configuration", async (client, cancellationToken) =>
            {
                await client.ConnectCaSetConfigAsync(body, cancellationToken);
                return context.Succeed("Configuration updated!");
            });
        });
        return command;
    }
}
