using System.Collections.Concurrent;
using System.Net;
using Google.Protobuf;

namespace Mesh.Bench;

/// <summary>
/// A minimal OTLP/HTTP (protobuf) receiver on loopback. Each agent exports to its own path prefix
/// (<see cref="EndpointFor"/>), so that the latest value of one counter is known per agent; traces and logs are
/// acknowledged and dropped.
/// </summary>
internal sealed class OtlpSink : IDisposable
{
    private const string MetricsPath = "/v1/metrics";

    private readonly HttpListener _listener = new();
    private readonly string _counter;
    private readonly string _attribute;
    private readonly ConcurrentDictionary<string, CounterPoint> _latest = new();
    private readonly Task _serving;
    private string? _error;

    private OtlpSink(int port, string counter, string attribute)
    {
        Port = port;
        _counter = counter;
        _attribute = attribute;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public int Port { get; }

    /// <summary>Starts receiving; <paramref name="counter"/> is kept per agent, split by <paramref name="attribute"/>.</summary>
    public static OtlpSink Start(string counter, string attribute)
    {
        try
        {
            return new OtlpSink(FreePort.Next(), counter, attribute);
        }
        catch (HttpListenerException e)
        {
            throw new BenchException($"the OTLP receiver cannot listen on loopback: {e.Message}");
        }
    }

    /// <summary>What to set OTEL_EXPORTER_OTLP_ENDPOINT to for agent <paramref name="name"/>.</summary>
    public string EndpointFor(string name) => $"http://127.0.0.1:{Port}/{name}";

    /// <summary>The counter as <paramref name="name"/> last exported it, if it has.</summary>
    public CounterPoint? Latest(string name)
    {
        if (_error is { } error)
        {
            throw new BenchException($"the OTLP receiver failed: {error}");
        }
        return _latest.GetValueOrDefault(name);
    }

    public void Dispose()
    {
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // Closed.
            }
            try
            {
                await HandleAsync(context).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidProtocolBufferException or HttpListenerException or IOException or BenchException)
            {
                _error ??= e.Message;
                context.Response.Abort();
            }
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var path = context.Request.Url?.AbsolutePath ?? "";
        if (path.EndsWith(MetricsPath, StringComparison.Ordinal))
        {
            var agent = path[..^MetricsPath.Length].Trim('/');
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body).ConfigureAwait(false);
            if (OtlpCounters.Read(ByteString.CopyFrom(body.GetBuffer(), 0, (int)body.Length), _counter, _attribute) is { } point)
            {
                // Exports are periodic and sequential per agent; keep the newest all the same.
                _latest.AddOrUpdate(agent, point, (_, known) => point.TimeUnixNano >= known.TimeUnixNano ? point : known);
            }
        }
        // An empty ExportMetricsServiceResponse (or traces/logs response): everything accepted.
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/x-protobuf";
        context.Response.ContentLength64 = 0;
        context.Response.Close();
    }
}
