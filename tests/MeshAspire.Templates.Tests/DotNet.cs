using System.Diagnostics;
using System.Text;

namespace MeshAspire.Templates.Tests;

/// <summary>Runs the `dotnet` CLI in a directory, with a deadline, and returns what it printed.</summary>
internal static class DotNet
{
    /// <summary>
    /// Variables the outer `dotnet test` sets for its own MSBuild and test host; a nested build or test run that
    /// inherited them would use the wrong MSBuild or report to the wrong host.
    /// </summary>
    private static readonly string[] OuterPrefixes = ["MSBUILD", "VSTEST", "TESTINGPLATFORM", "DOTNET_HOST_PATH"];

    public static async Task<string> RunAsync(string directory, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var name in start.Environment.Keys.Where(k => OuterPrefixes.Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToList())
        {
            start.Environment.Remove(name);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        var clock = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`dotnet {string.Join(' ', args)}` did not finish within {timeout.TotalMinutes} min:\n{Text(output)}");
        }
        // The last lines arrive after the exit: WaitForExit without a timeout drains the redirected streams.
        process.WaitForExit();
        var text = Text(output);
        if (process.ExitCode != 0)
        {
            throw new DotNetFailedException($"`dotnet {string.Join(' ', args)}` in {directory} exited with {process.ExitCode} after {clock.Elapsed.TotalSeconds:F0} s:\n{text}");
        }
        return text;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}

public sealed class DotNetFailedException(string message) : Exception(message);
