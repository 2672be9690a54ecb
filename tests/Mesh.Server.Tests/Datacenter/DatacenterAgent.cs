using System.Text;
using Mesh.Server.Tests.Process;

namespace Mesh.Server.Tests.Datacenter;

/// <summary>
/// One agent of a test datacenter. Its ports, data directory and HTTP client outlive its process, so it can be
/// killed and restarted as the same server.
/// </summary>
internal sealed partial class DatacenterAgent : IAsyncDisposable
{
    private readonly string[] _args;
    private readonly StringBuilder _earlierOutput = new();
    private AgentProcess? _process;

    public DatacenterAgent(string name, bool isServer, AgentPorts ports, string dataDir, string[] args)
    {
        Name = name;
        IsServer = isServer;
        Ports = ports;
        DataDir = dataDir;
        _args = args;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports.Http}"), Timeout = TimeSpan.FromSeconds(20) };
    }

    public string Name { get; }

    public bool IsServer { get; }

    public AgentPorts Ports { get; }

    public string DataDir { get; }

    /// <summary>How /v1/status/leader and /v1/status/peers name this server.</summary>
    public string RpcAddress => $"127.0.0.1:{Ports.Server}";

    public string SerfAddress => $"127.0.0.1:{Ports.SerfLan}";

    public HttpClient Http { get; }

    /// <summary>Whether its process is alive (a paused one is).</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Everything the agent printed, over all its restarts.</summary>
    public string Output => _earlierOutput + (_process?.Output ?? "");

    /// <summary>Starts (or, after <see cref="KillAsync"/>, restarts) the process on the same ports and data directory.</summary>
    public async Task StartAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is already running.");
        }
        await StopProcessAsync();
        _process = await AgentProcess.StartAsync(Ports, _args);
    }

    /// <summary>kill -9: no shutdown code runs; the data directory stays for a restart.</summary>
    public Task KillAsync() => StopProcessAsync();

    public Task PauseAsync() => Running.PauseAsync();

    public Task ResumeAsync() => Running.ResumeAsync();

    public async ValueTask DisposeAsync()
    {
        await StopProcessAsync();
        Http.Dispose();
    }

    public override string ToString() => $"{Name} ({RpcAddress})";

    private AgentProcess Running => IsRunning ? _process! : throw new InvalidOperationException($"{Name} is not running.");

    private async Task StopProcessAsync()
    {
        if (_process is null)
        {
            return;
        }
        if (!_process.HasExited)
        {
            await _process.KillAsync();
        }
        _earlierOutput.Append(_process.Output);
        await _process.DisposeAsync();
        _process = null;
    }
}
