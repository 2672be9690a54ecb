using Mesh.Server.Checks;
using Mesh.Server.Config;

namespace Mesh.Server.Tests.Checks;

public sealed class ReaperTests
{
    private static CheckDefinition Ttl(string serviceId, TimeSpan? deregisterAfter) => new()
    {
        ServiceID = serviceId,
        TTL = TimeSpan.FromSeconds(5),
        DeregisterCriticalServiceAfter = deregisterAfter,
    };

    [Fact]
    public async Task ServiceCriticalLongerThanTheMinuteFloorIsDeregisteredOnce()
    {
        var clock = new ManualTimeProvider();
        var reaped = new List<string>();
        await using var runner = CheckRunnerFactory.Create(new RecordingNotifier(), clock, deregisterService: reaped.Add);
        // 1s is raised to Consul's 1m floor; two critical checks of one service reap it once.
        runner.Add("web-1", Ttl("web", TimeSpan.FromSeconds(1)));
        runner.Add("web-2", Ttl("web", TimeSpan.FromSeconds(1)));
        runner.Add("plain", Ttl("db", null));
        runner.Add("node", Ttl("", TimeSpan.FromSeconds(1)));

        clock.Advance(TimeSpan.FromSeconds(60)); // critical since 5s: 55s at the 60s pass
        Assert.Empty(reaped);

        clock.Advance(TimeSpan.FromSeconds(30)); // 85s at the 90s pass
        Assert.Equal(["web"], reaped);
    }

    [Fact]
    public async Task PassingResetsTheCriticalClock()
    {
        var clock = new ManualTimeProvider();
        var reaped = new List<string>();
        await using var runner = CheckRunnerFactory.Create(new RecordingNotifier(), clock, deregisterService: reaped.Add);
        runner.Add("api", Ttl("api", TimeSpan.FromMinutes(2)));

        clock.Advance(TimeSpan.FromSeconds(100)); // critical since 5s
        runner.UpdateTtl("api", HealthStatus.Passing, "");
        clock.Advance(TimeSpan.FromSeconds(80)); // critical again since 105s: 75s at the 180s pass
        Assert.Empty(reaped);

        clock.Advance(TimeSpan.FromSeconds(60)); // 135s at the 240s pass
        Assert.Equal(["api"], reaped);
    }

    [Fact]
    public async Task RemovedChecksAreNotReaped()
    {
        var clock = new ManualTimeProvider();
        var reaped = new List<string>();
        await using var runner = CheckRunnerFactory.Create(new RecordingNotifier(), clock, deregisterService: reaped.Add);
        runner.Add("web-1", Ttl("web", TimeSpan.FromMinutes(1)));
        clock.Advance(TimeSpan.FromSeconds(60));

        Assert.True(runner.Remove("web-1"));
        clock.Advance(TimeSpan.FromSeconds(60));

        Assert.Empty(reaped);
    }
}
