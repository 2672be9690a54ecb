using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;

namespace MeshAspire.Tests;

/// <summary>
/// Runs the app host (Aspire.Hosting.Testing): every process starts and reports healthy. Slower than the model tests;
/// `dotnet test --filter Category!=Aspire` leaves it out.
/// </summary>
[Trait("Category", "Aspire")]
public sealed class DatacenterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Every_resource_becomes_healthy_and_the_servers_elect_a_leader()
    {
        // A loaded machine builds and starts everything at once: give dependency checks room.
        Environment.SetEnvironmentVariable("ASPIRE_DEPENDENCY_CHECK_TIMEOUT", "300");
        var builder = await AppHostModel.CreateAsync("DcpPublisher:RandomizePorts=true");
        await using var app = await builder.BuildAsync();
        using var start = new CancellationTokenSource(StartTimeout);
        var clock = Stopwatch.StartNew();
        await app.StartAsync(start.Token);
        await Task.WhenAll(AppHostModel.Resources().Select(async r =>
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(r, start.Token);
            output.WriteLine($"{r} healthy {clock.Elapsed.TotalSeconds:F1} s after start");
        }));

        using var server = new HttpClient { BaseAddress = app.GetEndpoint("dc1-server-1", "http"), Timeout = TimeSpan.FromSeconds(10) };
        var leader = await server.GetStringAsync(new Uri("/v1/status/leader", UriKind.Relative));
        Assert.Matches("^\"127\\.0\\.0\\.1:[0-9]+\"$", leader);
        var peers = await server.GetStringAsync(new Uri("/v1/status/peers", UriKind.Relative));
        Assert.Equal(AppHostModel.ServerCount, peers.Split(',').Length);
#if (!NoSamples)

        // The dashboard sample reads counting through its sidecar, which the intention allows.
        using var dashboard = new HttpClient { BaseAddress = app.GetEndpoint("dashboard", "http"), Timeout = TimeSpan.FromSeconds(10) };
        using var deadline = new CancellationTokenSource(Deadline);
        var status = HttpStatusCode.ServiceUnavailable;
        while (status != HttpStatusCode.OK && !deadline.IsCancellationRequested)
        {
            using var response = await dashboard.GetAsync(new Uri("/api/count", UriKind.Relative), CancellationToken.None);
            status = response.StatusCode;
            if (status != HttpStatusCode.OK)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
            }
        }
        Assert.Equal(HttpStatusCode.OK, status);
#endif
    }
}
