using Mesh.Server.Checks;
using Mesh.Server.Config;

namespace Mesh.Server.Tests.Checks;

public sealed class RunnerLifecycleTests
{
    [Fact]
    public async Task InitialStatusIsTheDefinitionsOrCritical()
    {
        var clock = new ManualTimeProvider();
        var notifier = new RecordingNotifier();
        await using var runner = CheckRunnerFactory.Create(notifier, clock);
        runner.Add("given", new CheckDefinition { TTL = TimeSpan.FromSeconds(10), Status = HealthStatus.Passing });
        runner.Add("default", new CheckDefinition { TTL = TimeSpan.FromSeconds(10) });

        // Same status and output as the start state: nothing to tell.
        runner.UpdateTtl("given", HealthStatus.Passing, "");
        runner.UpdateTtl("default", HealthStatus.Critical, "");
        Assert.Empty(notifier.For("given"));
        Assert.Empty(notifier.For("default"));

        runner.UpdateTtl("default", HealthStatus.Passing, "");
        Assert.Equal([new CheckUpdate("default", HealthStatus.Passing, "")], notifier.For("default"));
    }

    [Fact]
    public async Task RemovedCheckFallsSilent()
    {
        var clock = new ManualTimeProvider();
        var notifier = new RecordingNotifier();
        await using var runner = CheckRunnerFactory.Create(notifier, clock);
        runner.Add("ttl", new CheckDefinition { TTL = TimeSpan.FromSeconds(10), Status = HealthStatus.Passing });

        Assert.True(runner.Remove("ttl"));
        Assert.False(runner.Remove("ttl"));
        clock.Advance(TimeSpan.FromSeconds(20));

        Assert.Empty(notifier.For("ttl"));
        Assert.False(runner.UpdateTtl("ttl", HealthStatus.Passing, ""));
    }

    [Fact]
    public async Task AddingTheSameIdReplacesTheCheck()
    {
        var clock = new ManualTimeProvider();
        var notifier = new RecordingNotifier();
        await using var runner = CheckRunnerFactory.Create(notifier, clock);
        runner.Add("check", new CheckDefinition { TTL = TimeSpan.FromSeconds(5), Status = HealthStatus.Passing });
        runner.Add("check", new CheckDefinition { TTL = TimeSpan.FromSeconds(30), Status = HealthStatus.Passing });

        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(notifier.For("check"));

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([new CheckUpdate("check", HealthStatus.Critical, "TTL expired")], notifier.For("check"));
    }

    [Fact]
    public async Task DisposeStopsRunningChecks()
    {
        var pidFile = Path.Combine(Path.GetTempPath(), $"mesh-check-{Guid.NewGuid():N}.pid");
        try
        {
            var notifier = new RecordingNotifier();
            var runner = CheckRunnerFactory.Create(notifier);
            runner.Add("long", new CheckDefinition { Args = ["/bin/sh", "-c", $"echo $$ > {pidFile}; exec sleep 30"], Interval = TimeSpan.FromSeconds(1) });
            await Eventually.TrueAsync(() => File.Exists(pidFile) && new FileInfo(pidFile).Length > 0, "the script to start");
            var pid = int.Parse((await File.ReadAllTextAsync(pidFile)).Trim());

            await runner.DisposeAsync();

            Assert.False(Directory.Exists($"/proc/{pid}"), "the script still runs after DisposeAsync");
            Assert.Empty(notifier.For("long"));
            Assert.Throws<ObjectDisposedException>(() => runner.Add("late", new CheckDefinition { TTL = TimeSpan.FromSeconds(1) }));
        }
        finally
        {
            File.Delete(pidFile);
        }
    }
}
