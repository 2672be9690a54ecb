using Microsoft.Extensions.DependencyInjection;

namespace Mesh.AppHost.Tests;

/// <summary>One running demo datacenter shared by the tests of a class (starting it takes tens of seconds).</summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    public DistributedApplication App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Two cores build and start everything at once: give dependency checks room.
        Environment.SetEnvironmentVariable("ASPIRE_DEPENDENCY_CHECK_TIMEOUT", "300");
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["DcpPublisher:RandomizePorts=true"]);
        builder.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
        App = await builder.BuildAsync();
        using var start = new CancellationTokenSource(StartTimeout);
        await App.StartAsync(start.Token);
        await App.ResourceNotifications.WaitForResourceHealthyAsync("mesh", start.Token);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}
