using Mesh.Server.Cli;

namespace Mesh.Server.Tests.Cli;

/// <summary>What one run of the CLI printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Error);

/// <summary>Runs <c>mesh</c> in-process with captured streams and an environment of the test's choosing.</summary>
internal static class CliRunner
{
    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(args, new Dictionary<string, string>());

    public static async Task<CliResult> RunAsync(
        string[] args,
        IReadOnlyDictionary<string, string> environment,
        string stdin = "",
        CancellationToken cancellationToken = default)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var input = new StringReader(stdin);
        var exitCode = await MeshCommand.RunAsync(args, output, error, environment, input, cancellationToken);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}
