using System.Diagnostics;
using System.Net;
using System.Text;
using Mesh.Server.Tests.Process;

namespace Mesh.Sidecar.Tests.Harness;

/// <summary>A real Mesh.Sidecar process (Mesh.Sidecar.dll beside the tests), killed on dispose.</summary>
internal sealed class SidecarProcess : IAsyncDisposable
{
    private static readonly string SidecarDll = Path.Combine(AppContext.BaseDirectory, "Mesh.Sidecar.dll");

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SidecarProcess(Process process, int adminPort)
    {
        _process = process;
        AdminPort = adminPort;
        Admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}"), Timeout = TimeSpan.FromSeconds(10) };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int AdminPort { get; }

    public HttpClient Admin { get; }

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

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(SidecarDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        // Nothing from the developer's shell: the test says where the agent and the collector are.
        info.Environment.Remove("CONSUL_GRPC_ADDR");
        info.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        return info;
    }

    /// <summary>
    /// Starts a sidecar for service instance <paramref name="serviceId"/> (or, <paramref name="byProxyId"/>, for the
    /// proxy registration <paramref name="serviceId"/>-sidecar-proxy, finding the agent through CONSUL_GRPC_ADDR),
    /// and waits until its admin listener says it is ready.
    /// </summary>
    public static async Task<SidecarProcess> StartAsync(
        string serviceId, int grpcPort, bool byProxyId = false, IReadOnlyDictionary<string, string>? environment = null)
    {
        var adminPort = MeshProcess.StablePort();
        var grpcAddress = $"127.0.0.1:{grpcPort}";
        string[] target = byProxyId ? ["-proxy-id", $"{serviceId}-sidecar-proxy"] : ["-sidecar-for", serviceId, "-grpc-addr", grpcAddress];
        var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>());
        if (byProxyId)
        {
            variables["CONSUL_GRPC_ADDR"] = grpcAddress;
        }
        var process = Process.Start(StartInfo([.. target, "-admin-bind", $"127.0.0.1:{adminPort}", "-log-level", "debug"], variables))!;
        var sidecar = new SidecarProcess(process, adminPort);
        try
        {
            await sidecar.WaitReadyAsync();
        }
        catch
        {
            await sidecar.DisposeAsync();
            throw;
        }
        return sidecar;
    }

    public async Task WaitReadyAsync()
    {
        await Eventually.TrueAsync(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"sidecar exited with {_process.ExitCode}:\n{Output}");
            }
            try
            {
                using var response = await Admin.GetAsync("/ready");
                return response.StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), () => $"sidecar not ready:\n{Output}");
    }

    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await KillAsync();
        _process.Dispose();
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
