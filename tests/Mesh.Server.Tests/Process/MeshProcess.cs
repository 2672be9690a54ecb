using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mesh.Server.Tests.Process;

/// <summary>Runs the real `mesh` binary (mesh.dll beside the tests) as a child process.</summary>
internal static class MeshProcess
{
    private static readonly string MeshDll = Path.Combine(AppContext.BaseDirectory, "mesh.dll");

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(MeshDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        // The CLI must not pick up an address from the developer's shell.
        info.Environment.Remove("CONSUL_HTTP_ADDR");
        info.Environment.Remove("MESH_HTTP_ADDR");
        info.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        return info;
    }

    /// <summary>Runs a CLI command to completion.</summary>
    public static async Task<CliResult> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? stdin = null)
    {
        using var process = System.Diagnostics.Process.Start(StartInfo(args, environment))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }
        process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(deadline.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private const int StablePortsFrom = 10000;
    private static readonly HashSet<int> StablePortsHandedOut = [];

    /// <summary>
    /// A loopback port free for TCP and UDP (gossip uses both) below the kernel's ephemeral range, never handed
    /// out twice in this test run. An ephemeral port can be taken by any outgoing connection between its choice
    /// and the agent's bind, or while a killed agent is down before its restart; these cannot.
    /// </summary>
    public static int StablePort()
    {
        var below = EphemeralPortsFrom();
        lock (StablePortsHandedOut)
        {
            while (true)
            {
                var port = Random.Shared.Next(StablePortsFrom, below);
                if (StablePortsHandedOut.Add(port) && IsFree(port))
                {
                    return port;
                }
            }
        }
    }

    private static int EphemeralPortsFrom()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        return File.Exists(range) && int.TryParse(File.ReadAllText(range).Split('\t', ' ')[0], out var first) && first > StablePortsFrom + 1000
            ? first
            : 32768;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var tcp = new TcpListener(IPAddress.Loopback, port);
            tcp.Start();
            using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>A running `mesh agent`, stopped (killed) on dispose.</summary>
internal sealed class AgentProcess : IAsyncDisposable
{
    private readonly System.Diagnostics.Process _process;
    private readonly StringBuilder _output = new();

    private AgentProcess(System.Diagnostics.Process process, AgentPorts ports)
    {
        _process = process;
        Ports = ports;
        HttpAddress = $"http://127.0.0.1:{ports.Http}";
        Http = new HttpClient { BaseAddress = new Uri(HttpAddress), Timeout = TimeSpan.FromSeconds(60) };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public AgentPorts Ports { get; }

    public int HttpPort => Ports.Http;

    /// <summary>The server RPC port (Consul's 8300).</summary>
    public int ServerPort => Ports.Server;

    /// <summary>The LAN gossip port (Consul's 8301); "127.0.0.1:port" is what -join takes.</summary>
    public int SerfPort => Ports.SerfLan;

    public string SerfAddress => $"127.0.0.1:{SerfPort}";

    public int ProcessId => _process.Id;

    public string HttpAddress { get; }

    public HttpClient Http { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The environment that points the CLI at this agent.</summary>
    public IReadOnlyDictionary<string, string> CliEnvironment => new Dictionary<string, string> { ["MESH_HTTP_ADDR"] = HttpAddress };

    public static Task<AgentProcess> StartAsync(params string[] args) => StartAsync(AgentPorts.Free(), args);

    /// <summary>Starts an agent on these ports: a restart passes the ports of the agent it replaces.</summary>
    public static async Task<AgentProcess> StartAsync(AgentPorts ports, params string[] args)
    {
        var process = System.Diagnostics.Process.Start(MeshProcess.StartInfo(["agent", .. args, .. ports.Flags()]))!;
        var agent = new AgentProcess(process, ports);
        try
        {
            await agent.WaitUntilReadyAsync();
        }
        catch
        {
            await agent.DisposeAsync();
            throw;
        }
        return agent;
    }

    public Task<CliResult> CliAsync(params string[] args) => MeshProcess.RunAsync(args, CliEnvironment);

    /// <summary>Waits for the agent to exit by itself (after `leave`), up to a deadline.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM: the agent shuts down as when a supervisor (Aspire, systemd) stops it.</summary>
    public Task TerminateAsync() => SignalAsync("TERM");

    /// <summary>SIGSTOP: the process freezes (as in a long GC pause or a stalled VM) until <see cref="ResumeAsync"/>.</summary>
    public Task PauseAsync() => SignalAsync("STOP");

    /// <summary>SIGCONT: a paused process runs on from where it stopped.</summary>
    public Task ResumeAsync() => SignalAsync("CONT");

    private async Task SignalAsync(string signal)
    {
        var info = new ProcessStartInfo("kill") { UseShellExecute = false };
        info.ArgumentList.Add($"-{signal}");
        info.ArgumentList.Add(ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var kill = System.Diagnostics.Process.Start(info)!;
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {ProcessId} exited with {kill.ExitCode}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"mesh agent exited with {_process.ExitCode}:\n{Output}");
            }
            try
            {
                using var response = await Http.GetAsync("/v1/status/leader", deadline.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"mesh agent did not answer within 60 s:\n{Output}");
            }
            await Task.Delay(50, deadline.Token);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}

/// <summary>An agent's listeners, each on its own free port so that parallel tests never collide on Consul's defaults.</summary>
internal sealed record AgentPorts(int Http, int Server, int SerfLan, int Grpc, int Dns)
{
    /// <summary>
    /// Ports no outgoing connection can take, free for TCP and UDP, so an agent never loses one between their choice
    /// and its bind, nor while it is down before a restart on them (see <see cref="MeshProcess.StablePort"/>).
    /// </summary>
    public static AgentPorts Free() => new(MeshProcess.StablePort(), MeshProcess.StablePort(), MeshProcess.StablePort(), MeshProcess.StablePort(), MeshProcess.StablePort());

    public string[] Flags() => ["-http-port", Text(Http), "-server-port", Text(Server), "-serf-lan-port", Text(SerfLan), "-grpc-port", Text(Grpc), "-dns-port", Text(Dns)];

    private static string Text(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
