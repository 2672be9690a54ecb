using System.Globalization;
using System.Net;

namespace Mesh.Bench;

/// <summary>Debian's dnsmasq serving a static hosts file on a loopback port: the DNS rows' peer.</summary>
internal sealed class DnsmasqProcess : IAsyncDisposable
{
    private readonly ServerProcess _server;

    private DnsmasqProcess(ServerProcess server, int port)
    {
        _server = server;
        Endpoint = new IPEndPoint(IPAddress.Loopback, port);
    }

    public IPEndPoint Endpoint { get; }

    public static string? Binary() =>
        new[] { "/usr/sbin/dnsmasq", "/usr/bin/dnsmasq" }.FirstOrDefault(File.Exists);

    /// <summary>Starts dnsmasq answering <paramref name="name"/> with <paramref name="addresses"/>, and nothing else.</summary>
    public static DnsmasqProcess Start(string binary, string name, IReadOnlyList<string> addresses)
    {
        var port = FreePort.Next();
        var server = ServerProcess.Start("dnsmasq", binary, scratch =>
        {
            var hosts = Path.Combine(scratch.FullName, "hosts");
            File.WriteAllLines(hosts, addresses.Select(a => $"{a} {name}"));
            // No system config, resolv.conf or /etc/hosts; in the foreground, on loopback only, as the invoking user.
            return ["--keep-in-foreground", "--conf-file=/dev/null", $"--port={port.ToString(CultureInfo.InvariantCulture)}",
                "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts", $"--addn-hosts={hosts}",
                $"--user={Environment.UserName}", "--pid-file=", "--log-facility=-"];
        });
        return new DnsmasqProcess(server, port);
    }

    public void EnsureRunning() => _server.EnsureRunning();

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
