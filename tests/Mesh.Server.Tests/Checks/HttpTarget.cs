using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Tests.Checks;

/// <summary>A real Kestrel app on 127.0.0.1 for HTTP checks to probe.</summary>
internal sealed class HttpTarget : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _flipStatus = 200;
    private int _flipPassing;
    private int _flipFailing;
    private int _okRequests;

    private HttpTarget(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>Status code /flip answers with; tests change it to drive damping.</summary>
    public int FlipStatus
    {
        get => Volatile.Read(ref _flipStatus);
        set => Volatile.Write(ref _flipStatus, value);
    }

    public int FlipPassingRequests => Volatile.Read(ref _flipPassing);
    public int FlipFailingRequests => Volatile.Read(ref _flipFailing);
    public int OkRequests => Volatile.Read(ref _okRequests);

    /// <param name="certificate">Serve HTTPS with it instead of plain HTTP.</param>
    public static async Task<HttpTarget> StartAsync(X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        var target = new HttpTarget(app);

        app.MapGet("/ok", () =>
        {
            Interlocked.Increment(ref target._okRequests);
            return "fine";
        });
        app.MapGet("/busy", () => Results.Text("slow down", statusCode: 429));
        app.MapGet("/fail", () => Results.Text("boom", statusCode: 500));
        app.MapGet("/big", () => new string('x', 5000) + "END");
        // Answers only when the client gives up.
        app.MapGet("/slow", async (HttpContext context) => await Task.Delay(Timeout.Infinite, context.RequestAborted));
        app.MapMethods("/echo", ["GET", "POST", "PUT"], async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var request = context.Request;
            return $"{request.Method}|{request.Headers["X-Probe"]}|{request.Headers.UserAgent}|{request.Headers.Accept}|{request.Host}|{body}";
        });
        app.MapGet("/flip", () =>
        {
            var status = target.FlipStatus;
            Interlocked.Increment(ref status < 300 ? ref target._flipPassing : ref target._flipFailing);
            return Results.Text($"status {status}", statusCode: status);
        });

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        target.BaseUrl = address.TrimEnd('/');
        return target;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
