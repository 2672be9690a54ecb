using Mesh.Server.Checks;
using Mesh.Server.Config;

namespace Mesh.Server.Tests.Checks;

/// <summary>Damping end to end against a real server whose answer the test flips (each run is 1s apart).</summary>
public sealed class FailureDampingTests
{
    [Fact]
    public async Task FailuresTurnWarningThenCritical()
    {
        await using var target = await HttpTarget.StartAsync();
        var notifier = new RecordingNotifier();
        await using var runner = CheckRunnerFactory.Create(notifier);

        runner.Add("web", new CheckDefinition
        {
            HTTP = $"{target.BaseUrl}/flip", Interval = TimeSpan.FromSeconds(1), FailuresBeforeWarning = 1, FailuresBeforeCritical = 3,
        });
        await notifier.WaitForStatusAsync("web", HealthStatus.Passing);
        target.FlipStatus = 500;

        await notifier.WaitForStatusAsync("web", HealthStatus.Critical);
        Assert.True(target.FlipFailingRequests >= 3, $"critical after {target.FlipFailingRequests} failures");
        Assert.Equal(
            [HealthStatus.Passing, HealthStatus.Warning, HealthStatus.Critical],
            notifier.For("web").Select(update => update.Status));
        Assert.EndsWith(": 500 Internal Server Error Output: status 500", notifier.For("web")[1].Output);
    }
}

public sealed class SuccessDampingTests
{
    [Fact]
    public async Task SuccessesAreCountedBeforePassing()
    {
        await using var target = await HttpTarget.StartAsync();
        target.FlipStatus = 503;
        var notifier = new RecordingNotifier();
        await using var runner = CheckRunnerFactory.Create(notifier);

        runner.Add("web", new CheckDefinition
        {
            HTTP = $"{target.BaseUrl}/flip", Interval = TimeSpan.FromSeconds(1), SuccessBeforePassing = 2,
        });
        await notifier.WaitForStatusAsync("web", HealthStatus.Critical);
        target.FlipStatus = 200;

        await notifier.WaitForStatusAsync("web", HealthStatus.Passing);
        Assert.True(target.FlipPassingRequests >= 2, $"passing after {target.FlipPassingRequests} successes");
        Assert.Equal([HealthStatus.Critical, HealthStatus.Passing], notifier.For("web").Select(update => update.Status));
    }
}
