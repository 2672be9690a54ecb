using System.Net;
using System.Security.Cryptography.X509Certificates;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Tests.Checks;

/// <summary>A real grpc.health.v1 server (Grpc.AspNetCore hosting Grpc.HealthCheck's service) over h2c on 127.0.0.1.</summary>
internal sealed class GrpcTarget : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GrpcTarget(WebApplication app, HealthServiceImpl health, string address)
    {
        _app = app;
        Health = health;
        Address = address;
    }

    /// <summary>"127.0.0.1:port", the form a check's <c>grpc</c> field takes.</summary>
    public string Address { get; }

    public HealthServiceImpl Health { get; }

    /// <param name="certificate">Serve over TLS with it instead of h2c.</param>
    public static async Task<GrpcTarget> StartAsync(X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<HealthServiceImpl>();
        var app = builder.Build();
        app.MapGrpcService<HealthServiceImpl>();
        await app.StartAsync();

        var health = app.Services.GetRequiredService<HealthServiceImpl>();
        health.SetStatus("", HealthCheckResponse.Types.ServingStatus.Serving);
        var url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new GrpcTarget(app, health, $"127.0.0.1:{url.Port}");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
