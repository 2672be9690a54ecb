using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mesh.Bench;

/// <summary>
/// The proxy rows' upstream, "counting": Kestrel inside the harness on a loopback port, answering every GET with a
/// small JSON body (the count so far), as the seed's counting service does.
/// </summary>
internal sealed class CountingApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _count;

    private CountingApp(WebApplication app) => _app = app;

    public int Port { get; private set; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    public static async Task<CountingApp> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var counting = new CountingApp(builder.Build());
        counting._app.Run(counting.AnswerAsync);
        await counting._app.StartAsync(cancellationToken).ConfigureAwait(false);
        counting.Port = new Uri(counting._app.Urls.First()).Port;
        return counting;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync().ConfigureAwait(false);

    private Task AnswerAsync(HttpContext context)
    {
        var count = Interlocked.Increment(ref _count);
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(string.Create(CultureInfo.InvariantCulture, $$"""{"count":{{count}},"hostname":"counting"}"""));
    }
}
