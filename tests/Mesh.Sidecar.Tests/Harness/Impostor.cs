using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mesh.Sidecar.Tests.Harness;

/// <summary>A TLS server on a sidecar's public port that answers "impostor", presenting the certificate it is given.</summary>
internal sealed class Impostor : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Impostor(WebApplication app) => _app = app;

    public static async Task<Impostor> StartAsync(int port, X509Certificate2 certificate)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, listen => listen.UseHttps(https =>
        {
            https.ServerCertificate = certificate;
            https.SslProtocols = SslProtocols.Tls13;
        })));
        var app = builder.Build();
        app.Run(context => context.Response.WriteAsync("impostor"));
        await app.StartAsync();
        return new Impostor(app);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
