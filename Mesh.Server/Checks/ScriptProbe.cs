using System.ComponentModel;
using System.Diagnostics;
using Mesh.Server.Config;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Checks;

/// <summary>
/// Consul's script check: runs <c>args</c> directly (no shell unless args name one); exit 0 is passing, 1 warning,
/// anything else critical. Output is stdout and stderr together, cut to the last OutputMaxSize bytes; past the
/// timeout the whole process tree is killed and the check is critical.
/// </summary>
internal sealed class ScriptProbe(CheckSettings settings, TimeProvider timeProvider, ILogger logger) : ICheckProbe
{
    /// <summary>How long a killed script's pipes may take to drain before its output is taken as it is.</summary>
    private static readonly TimeSpan s_drainAfterKill = TimeSpan.FromSeconds(1);

    public async Task<CheckResult> ProbeAsync(CancellationToken cancellationToken)
    {
        var args = settings.Definition.Args!;
        var startInfo = new ProcessStartInfo(args[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args.Skip(1))
        {
            startInfo.ArgumentList.Add(arg);
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException)
        {
            return CheckResult.Critical(ex.Message);
        }
        // Like Go's exec with a nil Stdin: the script reads end-of-file, never the agent's input.
        process.StandardInput.Close();

        var output = new OutputBuffer(settings.OutputMaxSize);
        var readers = Task.WhenAll(
            output.CopyFromAsync(process.StandardOutput.BaseStream, CancellationToken.None),
            output.CopyFromAsync(process.StandardError.BaseStream, CancellationToken.None));
        try
        {
            await readers.WaitAsync(cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Kill(process);
            // Wait for the exit so the same check never runs twice at once.
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            await DrainAsync(readers).ConfigureAwait(false);
            var message = $"Timed out ({GoDuration.Format(settings.Timeout)}) running check";
            var captured = output.ToCapturedString();
            return CheckResult.Critical(captured.Length > 0 ? $"{message}\n\n{captured}" : message);
        }

        var text = output.ToCapturedString();
        return process.ExitCode switch
        {
            0 => CheckResult.Passing(text),
            1 => CheckResult.Warning(text),
            _ => CheckResult.Critical(text),
        };
    }

    private void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception)
        {
            logger.LogWarning("Check {CheckId}: failed to kill the script after its timeout: {Error}", settings.CheckId, ex.Message);
        }
    }

    private async Task DrainAsync(Task readers)
    {
        try
        {
            await readers.WaitAsync(s_drainAfterKill, timeProvider).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or ObjectDisposedException)
        {
            logger.LogDebug("Check {CheckId}: output of the killed script not fully read: {Error}", settings.CheckId, ex.Message);
        }
    }
}
