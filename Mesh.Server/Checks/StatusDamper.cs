namespace Mesh.Server.Checks;

/// <summary>
/// Consul's StatusHandler: passing (or warning) is reported once <c>success_before_passing</c> successes in a row
/// were seen, critical once <c>failures_before_critical</c> failures were, and warning in between once
/// <c>failures_before_warning</c> were. Each outcome resets the other counter. The counters start at their
/// thresholds so the very first result is reported as it is.
/// </summary>
internal sealed class StatusDamper
{
    private readonly int _successBeforePassing;
    private readonly int _failuresBeforeWarning;
    private readonly int _failuresBeforeCritical;
    private int _successes;
    private int _failures;

    public StatusDamper(int successBeforePassing, int failuresBeforeWarning, int failuresBeforeCritical)
    {
        _successBeforePassing = successBeforePassing;
        _failuresBeforeWarning = failuresBeforeWarning;
        _failuresBeforeCritical = failuresBeforeCritical;
        _successes = successBeforePassing;
        _failures = failuresBeforeCritical;
    }

    public static StatusDamper For(CheckSettings settings) => new(
        settings.Definition.SuccessBeforePassing, settings.FailuresBeforeWarning, settings.Definition.FailuresBeforeCritical);

    /// <summary>The result to report, or null while a threshold isn't reached yet.</summary>
    public CheckResult? Apply(CheckResult result)
    {
        if (result.Status is HealthStatus.Passing or HealthStatus.Warning)
        {
            _successes++;
            _failures = 0;
            return _successes >= _successBeforePassing ? result : null;
        }

        _failures++;
        _successes = 0;
        if (_failures >= _failuresBeforeCritical)
        {
            return result;
        }
        return _failures >= _failuresBeforeWarning ? CheckResult.Warning(result.Output) : null;
    }
}
