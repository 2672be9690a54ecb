using System.Text.Json;

namespace Mesh.Bench;

/// <summary>
/// A single-member etcd on free loopback ports with a temporary data directory, spoken to through its v3 JSON
/// gateway. With <c>fsync: false</c> it runs with <c>--unsafe-no-fsync</c>, which etcd 3.4.23 accepts.
/// </summary>
internal sealed class EtcdProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly ServerProcess _server;

    private EtcdProcess(ServerProcess server, int port, bool fsync)
    {
        _server = server;
        Port = port;
        Fsync = fsync;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public bool Fsync { get; }

    public int Pid => _server.Pid;

    /// <summary>The server's version as it reports it ("3.4.23").</summary>
    public string Version { get; private set; } = "";

    public static async Task<EtcdProcess> StartAsync(bool fsync, TimeProvider time, CancellationToken cancellationToken)
    {
        var etcd = Executable();
        var client = $"http://127.0.0.1:{FreePort.Next()}";
        var peer = $"http://127.0.0.1:{FreePort.Next()}";
        var server = ServerProcess.Start(fsync ? "etcd" : "etcd --unsafe-no-fsync", etcd, scratch =>
        [
            "--name", "bench",
            "--data-dir", Path.Combine(scratch.FullName, "data"),
            "--listen-client-urls", client,
            "--advertise-client-urls", client,
            "--listen-peer-urls", peer,
            "--initial-advertise-peer-urls", peer,
            "--initial-cluster", $"bench={peer}",
            "--logger", "zap",
            "--log-level", "warn",
            .. fsync ? Array.Empty<string>() : ["--unsafe-no-fsync"],
        ]);
        var process = new EtcdProcess(server, new Uri(client).Port, fsync);
        try
        {
            using var probe = BenchHttp.Create(process.BaseAddress, 1, TimeSpan.FromSeconds(2));
            await server.WaitReadyAsync(
                async token => (await probe.GetStringAsync(new Uri("/health", UriKind.Relative), token).ConfigureAwait(false)).Contains("\"true\"", StringComparison.Ordinal),
                StartTimeout,
                time,
                cancellationToken).ConfigureAwait(false);
            var version = await probe.GetStringAsync(new Uri("/version", UriKind.Relative), cancellationToken).ConfigureAwait(false);
            process.Version = JsonDocument.Parse(version).RootElement.GetProperty("etcdserver").GetString() ?? "?";
        }
        catch
        {
            await process.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return process;
    }

    public void EnsureRunning() => _server.EnsureRunning();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    /// <summary>The etcd binary on PATH; fails in one line if there is none.</summary>
    internal static string Executable() =>
        FindOnPath("etcd") ?? throw new BenchException("etcd cannot start: no etcd on PATH (apt-get install -y etcd-server), or pass --skip-peer");

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}
