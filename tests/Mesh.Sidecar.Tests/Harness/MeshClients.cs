using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Mesh.Server.Tests.Process;

namespace Mesh.Sidecar.Tests.Harness;

/// <summary>Clients that talk to a sidecar's public port directly, as another sidecar (or an impostor) would.</summary>
internal static class MeshClients
{
    /// <summary>A leaf for <paramref name="service"/> from the agent's CA (GET /v1/agent/connect/ca/leaf/:service).</summary>
    public static async Task<X509Certificate2> AgentLeafAsync(AgentProcess agent, string service)
    {
        var leaf = await agent.Http.GetFromJsonAsync<LeafJson>($"/v1/agent/connect/ca/leaf/{service}");
        return X509Certificate2.CreateFromPem(leaf!.CertPEM, leaf.PrivateKeyPEM);
    }

    /// <summary>
    /// An HTTPS client with <paramref name="clientCertificate"/> (or none) that accepts any server certificate:
    /// these tests are about what the server lets in.
    /// </summary>
    public static HttpClient Direct(int publicPort, X509Certificate2? clientCertificate) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        SslOptions = new SslClientAuthenticationOptions
        {
            EnabledSslProtocols = SslProtocols.Tls13,
            ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            LocalCertificateSelectionCallback = clientCertificate is null ? null : (_, _, _, _, _) => clientCertificate,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        },
    })
    {
        BaseAddress = new Uri($"https://127.0.0.1:{publicPort}"),
        Timeout = TimeSpan.FromSeconds(10),
        DefaultRequestVersion = HttpVersion.Version11,
    };

    /// <summary>The status of a GET, or 0 when the connection or handshake was refused.</summary>
    public static async Task<int> StatusAsync(HttpClient client, string path = "/")
    {
        try
        {
            using var response = await client.GetAsync(path);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    /// <summary>The certificate a public port presents.</summary>
    public static async Task<X509Certificate2> ServerCertificateAsync(int publicPort, X509Certificate2 clientCertificate)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, publicPort);
        await using var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "mesh",
            EnabledSslProtocols = SslProtocols.Tls13,
            ClientCertificates = [clientCertificate],
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        return X509CertificateLoader.LoadCertificate(ssl.RemoteCertificate!.GetRawCertData());
    }

    private sealed record LeafJson(string CertPEM, string PrivateKeyPEM);
}
