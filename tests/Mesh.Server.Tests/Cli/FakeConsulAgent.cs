using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Tests.Cli;

/// <summary>A request the fake agent received (copied: Kestrel reuses its request objects).</summary>
internal sealed record RecordedRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Query,
    IReadOnlyDictionary<string, string> Headers,
    string Body);

/// <summary>
/// A real HTTP server on 127.0.0.1 (Kestrel, port 0) answering canned Consul responses, standing in
/// for the agent until process-level tests run the CLI against the real one. Unrouted requests get
/// Consul's 404 with an empty body.
/// </summary>
internal sealed class FakeConsulAgent : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (int Status, string Body)> _routes = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _hanging = new();

    private FakeConsulAgent(WebApplication app) => _app = app;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>host:port, the form users pass to -http-addr.</summary>
    public string Address { get; private set; } = "";

    public static async Task<FakeConsulAgent> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var agent = new FakeConsulAgent(builder.Build());
        agent._app.Run(agent.HandleAsync);
        await agent._app.StartAsync();
        var address = agent._app.Urls.Single();
        agent.Address = new Uri(address).Authority;
        return agent;
    }

    /// <summary>Answers <paramref name="method"/> on <paramref name="path"/> (query ignored) with a status and body.</summary>
    public FakeConsulAgent On(string method, string path, string body, int status = 200)
    {
        _routes[$"{method} {path}"] = (status, body);
        return this;
    }

    /// <summary>Never answers <paramref name="method"/> on <paramref name="path"/>; completes the returned task when such a request arrives.</summary>
    public Task Hang(string method, string path)
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _hanging[$"{method} {path}"] = arrived;
        return arrived.Task;
    }

    public RecordedRequest Single(string method, string path) =>
        Assert.Single(Requests, r => r.Method == method && r.Path == path);

    /// <summary>The environment that points <c>mesh</c> at this agent.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["MESH_HTTP_ADDR"] = Address };

    /// <summary>Runs <c>mesh</c> against this agent.</summary>
    public Task<CliResult> RunCliAsync(params string[] args) => CliRunner.RunAsync(args, Environment);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var path = context.Request.Path.Value ?? "";
        Requests.Enqueue(new RecordedRequest(
            context.Request.Method,
            path,
            context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body));
        if (_hanging.TryGetValue($"{context.Request.Method} {path}", out var arrived))
        {
            arrived.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        if (_routes.TryGetValue($"{context.Request.Method} {path}", out var route))
        {
            context.Response.StatusCode = route.Status;
            if (route.Status == 200)
            {
                context.Response.ContentType = "application/json";
            }
            await context.Response.WriteAsync(route.Body);
            return;
        }
        context.Response.StatusCode = 404;
    }
}
