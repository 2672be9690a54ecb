using Mesh.Server.Config;

namespace Mesh.Server.Checks;

/// <summary>A validated definition with Consul's defaults and limits applied.</summary>
internal sealed record CheckSettings(
    string CheckId,
    CheckType Type,
    CheckDefinition Definition,
    TimeSpan Interval,
    TimeSpan Timeout,
    int OutputMaxSize,
    int FailuresBeforeWarning,
    string InitialStatus,
    TimeSpan? DeregisterCriticalServiceAfter)
{
    public static CheckSettings Resolve(string checkId, CheckDefinition definition, CheckRunnerOptions options)
    {
        var type = CheckRunner.Classify(definition);
        var interval = definition.Interval ?? TimeSpan.Zero;
        if (type != CheckType.Ttl && interval < CheckDefaults.MinInterval)
        {
            interval = CheckDefaults.MinInterval;
        }

        var timeout = definition.Timeout is { } given && given > TimeSpan.Zero
            ? given
            : type == CheckType.Script ? CheckDefaults.ScriptTimeout : CheckDefaults.Timeout;

        TimeSpan? reapAfter = null;
        if (definition.DeregisterCriticalServiceAfter is { } after && after > TimeSpan.Zero)
        {
            reapAfter = after < options.DeregisterCriticalServiceAfterMin ? options.DeregisterCriticalServiceAfterMin : after;
        }

        return new CheckSettings(
            checkId,
            type,
            definition,
            interval,
            timeout,
            definition.OutputMaxSize > 0 ? definition.OutputMaxSize : CheckDefaults.OutputMaxSize,
            EffectiveFailuresBeforeWarning(definition),
            string.IsNullOrEmpty(definition.Status) ? HealthStatus.Critical : definition.Status,
            reapAfter);
    }

    /// <summary>Consul: an unset <c>failures_before_warning</c> takes <c>failures_before_critical</c>'s value.</summary>
    public static int EffectiveFailuresBeforeWarning(CheckDefinition definition) =>
        definition.FailuresBeforeWarning > 0 ? definition.FailuresBeforeWarning : definition.FailuresBeforeCritical;
}
