using Mesh.Server.Checks;

namespace Mesh.Server.Tests.Checks;

public sealed class DampingTests
{
    private static readonly CheckResult s_ok = CheckResult.Passing("ok");
    private static readonly CheckResult s_slow = CheckResult.Warning("slow");
    private static readonly CheckResult s_down = CheckResult.Critical("down");

    [Fact]
    public void WithoutThresholdsEveryResultPassesThrough()
    {
        var damper = new StatusDamper(0, 0, 0);
        Assert.Equal(s_down, damper.Apply(s_down));
        Assert.Equal(s_ok, damper.Apply(s_ok));
        Assert.Equal(s_slow, damper.Apply(s_slow));
        Assert.Equal(s_down, damper.Apply(s_down));
    }

    [Fact]
    public void SuccessesBeforePassingCountAfterAFailure()
    {
        var damper = new StatusDamper(successBeforePassing: 2, failuresBeforeWarning: 0, failuresBeforeCritical: 0);
        // Counters start at their thresholds: the first result is reported as it is.
        Assert.Equal(s_ok, damper.Apply(s_ok));
        Assert.Equal(s_down, damper.Apply(s_down));
        Assert.Null(damper.Apply(s_ok));
        // A warning counts as a success.
        Assert.Equal(s_slow, damper.Apply(s_slow));
    }

    [Fact]
    public void FailuresGoThroughWarningToCritical()
    {
        var damper = new StatusDamper(successBeforePassing: 0, failuresBeforeWarning: 2, failuresBeforeCritical: 3);
        Assert.Equal(s_ok, damper.Apply(s_ok));
        Assert.Null(damper.Apply(s_down));
        Assert.Equal(CheckResult.Warning("down"), damper.Apply(s_down));
        Assert.Equal(s_down, damper.Apply(s_down));
        // A success resets the failure count.
        Assert.Equal(s_ok, damper.Apply(s_ok));
        Assert.Null(damper.Apply(s_down));
    }
}
