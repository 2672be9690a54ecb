using System.Net.ServerSentEvents;
using Microsoft.Extensions.Hosting.Mesh;
using Samples.Dashboard;

// The seed's dashboard: shows the count it fetches from the counting service through its upstream.
var builder = WebApplication.CreateSlimBuilder(args);
builder.AddServiceDefaults();
// Settings live in the mesh KV under config/dashboard/ (e.g. config/dashboard/Dashboard/Title) and apply without a restart.
builder.AddMeshConfiguration("config/dashboard");
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, DashboardJson.Default));
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is experimental, and the one way to opt a client out of the defaults' retries.
builder.Services.AddHttpClient<CountingClient>(http =>
    {
        // "http://counting" resolves to the sidecar's upstream listener (or, outside the mesh, to the service).
        http.BaseAddress = new Uri(builder.Configuration["Counting:Url"] ?? "http://counting");
        http.Timeout = TimeSpan.FromSeconds(3);
    })
    // The page says at once that counting is unreachable; retrying would only hide a refusal for seconds.
    .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

var app = builder.Build();
app.MapDefaultEndpoints();
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapGet("/api/count", async (CountingClient counting, CancellationToken cancellationToken) =>
{
    var reading = await counting.FetchAsync(cancellationToken);
    return reading.Error is null ? Results.Ok(reading) : Results.Json(reading, statusCode: StatusCodes.Status502BadGateway);
});
app.MapGet("/api/settings", (IConfiguration configuration) => new Settings(configuration["Dashboard:Title"] ?? "Dashboard"));
app.MapGet("/api/events", (CountingClient counting, CancellationToken cancellationToken) =>
    TypedResults.ServerSentEvents(Readings(counting, TimeProvider.System, cancellationToken)));
app.Run();

// One reading a second for as long as the page stays open.
static async IAsyncEnumerable<SseItem<Reading>> Readings(
    CountingClient counting, TimeProvider time, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
{
    using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
    do
    {
        yield return new SseItem<Reading>(await counting.FetchAsync(cancellationToken), "reading");
    }
    while (await timer.WaitForNextTickAsync(cancellationToken));
}
