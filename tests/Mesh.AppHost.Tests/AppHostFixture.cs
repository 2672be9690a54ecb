using System.Diagnostics;
using Mesh.Tests.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.AppHost.Tests;

/// <summary>One running demo AppHost shared by the tests of a class (starting it takes tens of seconds).</summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Every resource of the demo AppHost: the datacenter, its servers, and each sample with its agent and sidecar.</summary>
    public static readonly string[] Resources =
    [
        "dc1", "dc1-server-1", "dc1-server-2", "dc1-server-3",
        "counting", "counting-agent", "counting-sidecar",
        "dashboard", "dashboard-agent", "dashboard-sidecar",
    ];

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>Where every resource exports its traces and metrics, in place of the Aspire dashboard (off under test).</summary>
    internal OtlpReceiver Telemetry { get; private set; } = null!;

    /// <summary>From StartAsync to the last resource reporting healthy.</summary>
    public TimeSpan TimeToHealthy { get; private set; }

    public async Task InitializeAsync()
    {
        // Two cores build and start everything at once: give dependency checks room.
        Environment.SetEnvironmentVariable("ASPIRE_DEPENDENCY_CHECK_TIMEOUT", "300");
        Telemetry = await OtlpReceiver.StartAsync();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.MeshAspire_AppHost>(
            ["DcpPublisher:RandomizePorts=true", $"ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL={Telemetry.Endpoint}"]);
        builder.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
        App = await builder.BuildAsync();
        using var start = new CancellationTokenSource(StartTimeout);
        var clock = Stopwatch.StartNew();
        await App.StartAsync(start.Token);
        await Task.WhenAll(Resources.Select(r => App.ResourceNotifications.WaitForResourceHealthyAsync(r, start.Token)));
        TimeToHealthy = clock.Elapsed;
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Telemetry.DisposeAsync();
    }
}
