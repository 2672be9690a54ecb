using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mesh.Sidecar.Tests.Harness;

/// <summary>
/// An OTLP/HTTP (protobuf) collector that keeps every export body. Protobuf carries names as plain UTF-8 and trace
/// ids as their 16 raw bytes, so a test can look for a span's name next to a trace id without a protobuf parser.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<byte[]> _traces = new();
    private readonly ConcurrentQueue<byte[]> _metrics = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    public string Endpoint => _app.Urls.First();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", context => receiver.KeepAsync(context, receiver._traces));
        app.MapPost("/v1/metrics", context => receiver.KeepAsync(context, receiver._metrics));
        app.MapPost("/v1/logs", context => receiver.KeepAsync(context, new ConcurrentQueue<byte[]>()));
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Whether one trace export holds every one of <paramref name="parts"/>.</summary>
    public bool TracesContain(params byte[][] parts) => _traces.Any(body => parts.All(part => body.AsSpan().IndexOf(part) >= 0));

    public bool MetricsContain(string name) => _metrics.Any(body => body.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(name)) >= 0);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task KeepAsync(HttpContext context, ConcurrentQueue<byte[]> into)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        into.Enqueue(body.ToArray());
        context.Response.ContentType = "application/x-protobuf";
    }
}
