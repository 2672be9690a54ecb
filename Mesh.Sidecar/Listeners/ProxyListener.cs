using System.Net;
using Mesh.Sidecar.Config;
using Mesh.Sidecar.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Mesh.Sidecar.Listeners;

/// <summary>
/// One listener (the public one or an upstream's) as its own minimal Kestrel server, so listeners come and go with
/// the configuration while the others, and their in-flight requests, are untouched.
/// </summary>
public sealed class ProxyListener : IProxyListener
{
    private static readonly TimeSpan DrainTime = TimeSpan.FromSeconds(10);

    private readonly WebApplication _app;

    private ProxyListener(WebApplication app, IPEndPoint endpoint, string key)
    {
        _app = app;
        Endpoint = endpoint;
        Key = key;
    }

    public IPEndPoint Endpoint { get; }

    /// <summary>What the listener serves; a listener whose key changes is replaced.</summary>
    public string Key { get; }

    public static async Task<ProxyListener> StartAsync(
        IPEndPoint endpoint, string key, string direction, Action<ListenOptions> configure, RequestDelegate handler, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore().UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(endpoint, listen =>
            {
                CountConnections(listen, direction);
                configure(listen);
            });
        });
        var app = builder.Build();
        app.Run(handler);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return new ProxyListener(app, endpoint, key);
    }

    /// <summary>Requests read the state themselves, so an HTTP listener has nothing to revisit.</summary>
    public void Apply(ProxyState state)
    {
    }

    /// <summary>Stops accepting, lets in-flight requests finish (up to <see cref="DrainTime"/>), then closes.</summary>
    public async ValueTask DisposeAsync()
    {
        using (var drain = new CancellationTokenSource(DrainTime))
        {
            await _app.StopAsync(drain.Token);
        }
        await _app.DisposeAsync();
    }

    private static void CountConnections(ListenOptions listen, string direction) => listen.Use(next => async connection =>
    {
        var tag = new KeyValuePair<string, object?>("direction", direction);
        ProxyTelemetry.ActiveConnections.Add(1, tag);
        try
        {
            await next(connection);
        }
        finally
        {
            ProxyTelemetry.ActiveConnections.Add(-1, tag);
        }
    });
}
