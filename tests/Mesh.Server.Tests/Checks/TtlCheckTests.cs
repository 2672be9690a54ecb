using Mesh.Server.Checks;
using Mesh.Server.Config;

namespace Mesh.Server.Tests.Checks;

public sealed class TtlCheckTests
{
    [Fact]
    public async Task ExpiresOnRealTimeAndKeepsTheLastOutput()
    {
        var notifier = new RecordingNotifier();
        await using var runner = CheckRunnerFactory.Create(notifier);

        runner.Add("ttl", new CheckDefinition { TTL = TimeSpan.FromMilliseconds(300) });
        Assert.Equal(new CheckUpdate("ttl", HealthStatus.Critical, "TTL expired"), await notifier.WaitForAsync("ttl", _ => true));

        Assert.True(runner.UpdateTtl("ttl", HealthStatus.Passing, "all good"));
        // The update is told to the agent before UpdateTtl returns.
        Assert.Equal(new CheckUpdate("ttl", HealthStatus.Passing, "all good"), notifier.For("ttl")[1]);

        var expired = await notifier.WaitForStatusAsync("ttl", HealthStatus.Critical, skip: 2);
        Assert.Equal("TTL expired (last output before timeout follows): all good", expired.Output);
    }

    [Fact]
    public async Task EachUpdateRenewsTheTtl()
    {
        var clock = new ManualTimeProvider();
        var notifier = new RecordingNotifier();
        await using var runner = CheckRunnerFactory.Create(notifier, clock);
        runner.Add("ttl", new CheckDefinition { TTL = TimeSpan.FromSeconds(10) });

        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.True(runner.UpdateTtl("ttl", HealthStatus.Warning, "slow"));
        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.True(runner.UpdateTtl("ttl", HealthStatus.Passing, ""));
        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(
            [new("ttl", HealthStatus.Warning, "slow"), new("ttl", HealthStatus.Passing, "")],
            notifier.For("ttl"));

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new CheckUpdate("ttl", HealthStatus.Critical, "TTL expired"), notifier.For("ttl")[^1]);
    }

    [Fact]
    public async Task LongOutputIsCutAsConsulDoes()
    {
        var notifier = new RecordingNotifier();
        await using var runner = CheckRunnerFactory.Create(notifier, new ManualTimeProvider());
        runner.Add("ttl", new CheckDefinition { TTL = TimeSpan.FromSeconds(10), OutputMaxSize = 5 });

        runner.UpdateTtl("ttl", HealthStatus.Passing, "0123456789");

        Assert.Equal("01234 ... (captured 5 of 10 bytes)", notifier.For("ttl")[^1].Output);
    }

    [Fact]
    public async Task OnlyTtlChecksTakeUpdates()
    {
        var notifier = new RecordingNotifier();
        await using var runner = CheckRunnerFactory.Create(notifier, new ManualTimeProvider());
        runner.Add("tcp", new CheckDefinition { TCP = "127.0.0.1:1", Interval = TimeSpan.FromSeconds(1) });
        runner.Add("ttl", new CheckDefinition { TTL = TimeSpan.FromSeconds(10) });

        Assert.False(runner.UpdateTtl("nope", HealthStatus.Passing, ""));
        Assert.False(runner.UpdateTtl("tcp", HealthStatus.Passing, ""));
        var error = Assert.Throws<ArgumentException>(() => runner.UpdateTtl("ttl", "fine", ""));
        Assert.Equal("Invalid check status: \"fine\"", error.Message);
        Assert.Empty(notifier.For("ttl"));
    }
}
