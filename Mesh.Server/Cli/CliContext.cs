using Mesh.Server.Config;

namespace Mesh.Server.Cli;

/// <summary>
/// Everything a command touches outside itself, so tests can run the CLI in-process: the three
/// standard streams, the environment, and the agent entry point.
/// </summary>
internal sealed record CliContext(
    TextWriter Out,
    TextWriter Error,
    TextReader In,
    Func<string, string?> GetEnvironmentVariable,
    Func<AgentFlags, CancellationToken, Task<int>> RunAgent)
{
    /// <summary>A line on standard output. Lines end in "\n" on every OS, as Consul's do.</summary>
    public void Info(string line) => Out.Write(line + "\n");

    /// <summary>A line on standard output; returns exit code 0 for <c>return context.Succeed(...)</c>.</summary>
    public int Succeed(string line)
    {
        Info(line);
        return 0;
    }

    /// <summary>A line on standard error; returns exit code 1 for <c>return context.Fail(...)</c>.</summary>
    public int Fail(string line)
    {
        Error.Write(line + "\n");
        return 1;
    }
}
