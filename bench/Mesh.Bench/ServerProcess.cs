using System.ComponentModel;
using System.Diagnostics;

namespace Mesh.Bench;

/// <summary>
/// A server the harness runs as a child process: its last output lines are kept so that a failed start can be
/// explained in one line, and disposing kills it (and its children) and removes its scratch directory.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private const int KeptLines = 20;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private readonly Lock _gate = new();

    private ServerProcess(string name, Process process, DirectoryInfo scratch)
    {
        Name = name;
        _process = process;
        Scratch = scratch;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    /// <summary>A temporary directory the server may use as its data or working directory.</summary>
    public DirectoryInfo Scratch { get; }

    public static ServerProcess Start(
        string name, string fileName, Func<DirectoryInfo, IEnumerable<string>> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var scratch = Directory.CreateTempSubdirectory("mesh-bench-");
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = scratch.FullName,
        };
        foreach (var argument in arguments(scratch))
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new BenchException($"{name} could not start: {fileName} did not run");
        }
        catch (Win32Exception e)
        {
            scratch.Delete(recursive: true);
            throw new BenchException($"{name} could not start: {fileName}: {e.Message}");
        }
        var server = new ServerProcess(name, process, scratch);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Polls <paramref name="ready"/> until it says yes; fails in one line if the server exits or stays silent.</summary>
    public async Task WaitReadyAsync(Func<CancellationToken, Task<bool>> ready, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new BenchException($"{Name} exited with code {_process.ExitCode} while starting: {LastLine()}");
            }
            try
            {
                if (await ready(cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A probe that timed out: not serving yet.
            }
            if (time.GetElapsedTime(started) > timeout)
            {
                throw new BenchException($"{Name} did not answer within {timeout.TotalSeconds:0} s: {LastLine()}");
            }
            await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Fails in one line if the server died (e.g. under load), naming its last words.</summary>
    public void EnsureRunning()
    {
        if (_process.HasExited)
        {
            throw new BenchException($"{Name} exited with code {_process.ExitCode}: {LastLine()}");
        }
    }

    /// <summary>SIGKILL, as <c>kill -9</c>: no graceful leave. The scratch directory stays until disposal.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
        }
        finally
        {
            _process.Dispose();
            Scratch.Delete(recursive: true);
        }
    }

    private void Keep(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }
        lock (_gate)
        {
            _output.Enqueue(line.Trim());
            if (_output.Count > KeptLines)
            {
                _output.Dequeue();
            }
        }
    }

    private string LastLine()
    {
        lock (_gate)
        {
            return _output.Count == 0 ? "(no output)" : _output.Last();
        }
    }
}
