using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Mesh.Tests.Telemetry;

/// <summary>
/// An OTLP/gRPC collector (Aspire's protocol) that keeps every export message. Protobuf carries names as plain UTF-8 and trace
/// ids as their 16 raw bytes, so a test can look for a span's name next to a trace id without a protobuf parser.
/// Each export comes from one process, so it also names one service (its <c>service.name</c> resource attribute).
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
        // gRPC without TLS: HTTP/2 with prior knowledge.
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/opentelemetry.proto.collector.trace.v1.TraceService/Export", context => receiver.KeepAsync(context, receiver._traces));
        app.MapPost("/opentelemetry.proto.collector.metrics.v1.MetricsService/Export", context => receiver.KeepAsync(context, receiver._metrics));
        app.MapPost("/opentelemetry.proto.collector.logs.v1.LogsService/Export", context => receiver.KeepAsync(context, new ConcurrentQueue<byte[]>()));
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Whether one trace export holds every one of <paramref name="parts"/>.</summary>
    public bool TracesContain(params byte[][] parts) => _traces.Any(body => parts.All(part => body.AsSpan().IndexOf(part) >= 0));

    /// <summary>The services among <paramref name="services"/> that exported a span of the trace <paramref name="traceId"/>.</summary>
    public IReadOnlyList<string> ServicesInTrace(byte[] traceId, IEnumerable<string> services) =>
        [.. services.Where(service => TracesContain(traceId, StringValue(service)))];

    public bool MetricsContain(string name) => _metrics.Any(body => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(name)) >= 0);

    /// <summary>Whether the service <paramref name="service"/> exported the metric <paramref name="name"/>.</summary>
    public bool MetricsContain(string service, string name) =>
        _metrics.Any(body => body.AsSpan().IndexOf(StringValue(service)) >= 0 && body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(name)) >= 0);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>
    /// An attribute's string value as encoded (AnyValue field 1, its length, the bytes): the length prefix makes
    /// "counting" miss "counting-sidecar". Names here are short enough for a one-byte length.
    /// </summary>
    private static byte[] StringValue(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        return [0x0A, checked((byte)bytes.Length), .. bytes];
    }

    /// <summary>Keeps the request (its 5-byte gRPC frame header included) and answers an empty export response.</summary>
    private async Task KeepAsync(HttpContext context, ConcurrentQueue<byte[]> into)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        into.Enqueue(body.ToArray());
        context.Response.ContentType = "application/grpc";
        await context.Response.Body.WriteAsync(new byte[5]);
        context.Response.AppendTrailer("grpc-status", "0");
    }
}
