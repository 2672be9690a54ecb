using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Mesh.Server.Cli.Commands.Lock;

/// <summary>
/// The command run while the lock is held, sharing this process's standard streams. Stopped as Consul stops it:
/// SIGTERM, then SIGKILL after a grace period.
/// </summary>
internal sealed partial class LockChild : IDisposable
{
    /// <summary>Consul's lockKillGracePeriod.</summary>
    private static readonly TimeSpan KillGrace = TimeSpan.FromSeconds(5);

    private const int SigTerm = 15;

    private readonly Process _process;

    private LockChild(Process process) => _process = process;

    public int Id => _process.Id;

    /// <summary>
    /// Runs <paramref name="command"/> through <c>shell -c</c>, or directly when <paramref name="shell"/> is null; without
    /// <paramref name="passStdin"/> its standard input is closed at once, as Consul leaves it unconnected.
    /// </summary>
    public static LockChild Start(IReadOnlyList<string> command, string? shell, bool passStdin)
    {
        var start = shell is not null
            ? new ProcessStartInfo(shell, ["-c", string.Join(' ', command)])
            : new ProcessStartInfo(command[0], command.Skip(1));
        start.UseShellExecute = false;
        start.RedirectStandardInput = !passStdin;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {command[0]}");
        if (!passStdin)
        {
            process.StandardInput.Close();
        }
        return new LockChild(process);
    }

    /// <summary>Completes with the exit code.</summary>
    public async Task<int> WaitAsync()
    {
        await _process.WaitForExitAsync(CancellationToken.None);
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, and SIGKILL (with its children) if it is still running after the grace period.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }
        if (!OperatingSystem.IsWindows())
        {
            _ = Kill(_process.Id, SigTerm);
            using var grace = new CancellationTokenSource(KillGrace);
            try
            {
                await _process.WaitForExitAsync(grace.Token);
                return;
            }
            catch (OperationCanceledException)
            {
                // Ignored the SIGTERM: killed below.
            }
        }
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
        await _process.WaitForExitAsync(CancellationToken.None);
    }

    public void Dispose() => _process.Dispose();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
