using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mesh.Sidecar.Tests.Harness;

/// <summary>
/// A service behind a sidecar: a real Kestrel app on loopback that answers with its name and the traceparent it
/// received, so a test sees which instance answered and whether the trace went through.
/// </summary>
internal sealed class TestApp : IAppBehindSidecar
{
    public const string NameHeader = "X-App";
    public const string TraceParentHeader = "X-Seen-Traceparent";

    private readonly WebApplication _app;
    private readonly StrongBox<int> _requests;

    private TestApp(WebApplication app, StrongBox<int> requests, string name, int port)
    {
        _app = app;
        _requests = requests;
        Name = name;
        Port = port;
    }

    public string Name { get; }

    public int Port { get; }

    public int Requests => Volatile.Read(ref _requests.Value);

    public static async Task<TestApp> StartAsync(string name)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var requests = new StrongBox<int>();
        app.Run(async context =>
        {
            Interlocked.Increment(ref requests.Value);
            context.Response.Headers[NameHeader] = name;
            context.Response.Headers[TraceParentHeader] = context.Request.Headers.TraceParent.ToString();
            if (context.Request.Query.TryGetValue("delayMs", out var delay))
            {
                await Task.Delay(int.Parse(delay!, System.Globalization.CultureInfo.InvariantCulture), context.RequestAborted);
            }
            await context.Response.WriteAsync($"{name} {context.Request.Method} {context.Request.Path}");
        });
        await app.StartAsync();
        var port = new Uri(app.Urls.First()).Port;
        return new TestApp(app, requests, name, port);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
