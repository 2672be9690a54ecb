using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Mesh.Bench;

/// <summary>
/// The proxy rows' peer: two of Debian's haproxy in TCP mode doing the mesh pair's hop. The front one takes plain
/// TCP and opens TLS with a client certificate to the back one, which requires and verifies it and forwards to the
/// app; both verify the other against the same CA (<see cref="ProxyCertificates"/>).
/// </summary>
internal sealed class HaproxyPair : IAsyncDisposable
{
    private readonly ServerProcess _back;
    private readonly ServerProcess _front;
    private readonly DirectoryInfo _certificates;

    private HaproxyPair(ServerProcess back, ServerProcess front, DirectoryInfo certificates, int frontPort)
    {
        _back = back;
        _front = front;
        _certificates = certificates;
        BaseAddress = new Uri($"http://127.0.0.1:{Text(frontPort)}/");
    }

    /// <summary>The front haproxy's plain listener.</summary>
    public Uri BaseAddress { get; }

    public static string? Binary() => new[] { "/usr/sbin/haproxy", "/usr/bin/haproxy" }.FirstOrDefault(File.Exists);

    /// <summary>"2.6.12" from the first line of <c>haproxy -v</c> ("HAProxy version 2.6.12-1+deb12u4 …").</summary>
    public static async Task<string> VersionAsync(string binary, CancellationToken cancellationToken)
    {
        using var process = Process.Start(new ProcessStartInfo(binary, "-v") { RedirectStandardOutput = true, UseShellExecute = false })
            ?? throw new BenchException($"{binary} -v did not run");
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var words = output.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Length > 2 ? words[2].Split('-')[0] : "?";
    }

    /// <summary>Starts both and waits until a GET through the front one reaches the app on <paramref name="appPort"/>.</summary>
    public static async Task<HaproxyPair> StartAsync(string binary, int appPort, TimeProvider time, CancellationToken cancellationToken)
    {
        var certificates = Directory.CreateTempSubdirectory("mesh-bench-haproxy-");
        ProxyCertificates.Write(certificates);
        string Pem(string file) => Path.Combine(certificates.FullName, file);
        var backPort = FreePort.Next();
        var frontPort = FreePort.Next();
        var back = Start("the back haproxy", binary, $"""
            frontend mtls
                bind 127.0.0.1:{Text(backPort)} ssl crt {Pem(ProxyCertificates.Server)} ca-file {Pem(ProxyCertificates.Ca)} verify required
                default_backend app
            backend app
                server app 127.0.0.1:{Text(appPort)}
            """);
        ServerProcess? front = null;
        try
        {
            front = Start("the front haproxy", binary, $"""
                frontend plain
                    bind 127.0.0.1:{Text(frontPort)}
                    default_backend back
                backend back
                    server back 127.0.0.1:{Text(backPort)} ssl crt {Pem(ProxyCertificates.Client)} ca-file {Pem(ProxyCertificates.Ca)} verify required
                """);
            var pair = new HaproxyPair(back, front, certificates, frontPort);
            using var probe = BenchHttp.Create(pair.BaseAddress, 1, TimeSpan.FromSeconds(2));
            await front.WaitReadyAsync(
                async token =>
                {
                    back.EnsureRunning();
                    using var response = await probe.GetAsync(new Uri("/", UriKind.Relative), token).ConfigureAwait(false);
                    return response.StatusCode == HttpStatusCode.OK;
                },
                TimeSpan.FromSeconds(30),
                time,
                cancellationToken).ConfigureAwait(false);
            return pair;
        }
        catch
        {
            if (front is not null)
            {
                await front.DisposeAsync().ConfigureAwait(false);
            }
            await back.DisposeAsync().ConfigureAwait(false);
            certificates.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>The two haproxy processes (back, front).</summary>
    public IReadOnlyList<int> ProxyPids => [_back.Pid, _front.Pid];

    public void EnsureRunning()
    {
        _front.EnsureRunning();
        _back.EnsureRunning();
    }

    public async ValueTask DisposeAsync()
    {
        await _front.DisposeAsync().ConfigureAwait(false);
        await _back.DisposeAsync().ConfigureAwait(false);
        _certificates.Delete(recursive: true);
    }

    /// <summary>One haproxy in the foreground (-db) with TCP-mode defaults and <paramref name="proxies"/>; threads as it picks them (one per core).</summary>
    private static ServerProcess Start(string name, string binary, string proxies) => ServerProcess.Start(name, binary, scratch =>
    {
        var config = Path.Combine(scratch.FullName, "haproxy.cfg");
        File.WriteAllText(config, $"""
            global
                maxconn 4096
            defaults
                mode tcp
                timeout connect 5s
                timeout client 1m
                timeout server 1m
            {proxies}

            """);
        return ["-db", "-f", config];
    });

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
