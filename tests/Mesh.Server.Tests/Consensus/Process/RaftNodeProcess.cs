using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Mesh.Server.Tests.Process;

namespace Mesh.Server.Tests.Consensus.Process;

/// <summary>/status of a node, as tests/Mesh.Raft.Node reports it.</summary>
internal sealed record NodeStatusView(
    string Id, string Role, ulong Term, string? Leader, ulong CommitIndex, ulong AppliedIndex, ulong LastLogIndex,
    long LogSyncs, ulong SnapshotIndex, int Restores, string? Failure)
{
    public bool IsLeader => Role == "leader";

    public override string ToString() =>
        $"{Id} {Role} t{Term} leader={Leader} commit={CommitIndex} applied={AppliedIndex} last={LastLogIndex} snapshot={SnapshotIndex} restores={Restores}{(Failure is null ? "" : " failure=" + Failure)}";
}

/// <summary>One entry of a node's counter: the log index that applied it and the client's id.</summary>
internal sealed record AppliedIdView(ulong Index, string Id);

/// <summary>
/// One Raft server process (Mesh.Raft.Node.dll beside the tests, run with `dotnet`) on fixed loopback ports and
/// a data directory that outlive it, so that it can be killed and started again as the same server.
/// </summary>
internal sealed class RaftNodeProcess : IAsyncDisposable
{
    private const int KeptLines = 50;
    private static readonly string NodeDll = Path.Combine(AppContext.BaseDirectory, "Mesh.Raft.Node.dll");

    private readonly string[] _arguments;
    private readonly Queue<string> _output = new();
    private System.Diagnostics.Process? _process;

    public RaftNodeProcess(string id, int raftPort, int httpPort, string dataDirectory, string peers, IEnumerable<string> raftFlags)
    {
        Id = id;
        RaftPort = raftPort;
        HttpPort = httpPort;
        DataDirectory = dataDirectory;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(5) };
        _arguments =
        [
            NodeDll, "--id", id, "--data-dir", dataDirectory, "--raft-port", Text(raftPort), "--http-port", Text(httpPort),
            "--peers", peers, .. raftFlags,
        ];
    }

    public string Id { get; }

    public int RaftPort { get; }

    public int HttpPort { get; }

    public string DataDirectory { get; }

    /// <summary>For the test's own look-ups (status, ids); at most 5 s a request.</summary>
    public HttpClient Http { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The process's last lines of output, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <summary>Runs the node with <paramref name="arguments"/> until it exits by itself (a bad command line).</summary>
    public static async Task<CliResult> RunToExitAsync(params string[] arguments)
    {
        using var process = System.Diagnostics.Process.Start(StartInfo([NodeDll, .. arguments]))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(deadline.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    public void Start()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Id} is already running.");
        }
        _process?.Dispose();
        _process = System.Diagnostics.Process.Start(StartInfo(_arguments))!;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Waits until the node answers /status; fails at once if it exited.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (await StatusAsync() is null)
        {
            if (!IsRunning)
            {
                throw new InvalidOperationException($"{Id} exited with {_process?.ExitCode} while starting:\n{Output}");
            }
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"{Id} did not answer /status within {timeout.TotalSeconds:0} s:\n{Output}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>SIGKILL of the whole process tree, as kill -9: nothing is flushed or closed on the way out.</summary>
    public void Kill() => _process?.Kill(entireProcessTree: true);

    public async Task WaitForExitAsync()
    {
        if (_process is { } process)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(deadline.Token);
        }
    }

    /// <summary>The node's status, or null if it does not answer (down, starting, or too slow).</summary>
    public async Task<NodeStatusView?> StatusAsync()
    {
        try
        {
            return await Http.GetFromJsonAsync<NodeStatusView>("/status");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    public async Task<AppliedIdView[]> IdsAsync() => await Http.GetFromJsonAsync<AppliedIdView[]>("/ids") ?? [];

    public async ValueTask DisposeAsync()
    {
        if (IsRunning)
        {
            Kill();
            await WaitForExitAsync();
        }
        _process?.Dispose();
        Http.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > KeptLines)
            {
                _output.Dequeue();
            }
        }
    }

    private static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        return info;
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
