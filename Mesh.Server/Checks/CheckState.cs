using Microsoft.Extensions.Logging;

namespace Mesh.Server.Checks;

/// <summary>
/// A check's current status and output as last told to the notifier, and since when it is critical
/// (Consul keeps that in the agent's local state for the reaper).
/// </summary>
internal sealed class CheckState(CheckSettings settings, ICheckNotifier notifier, TimeProvider timeProvider, ILogger logger)
{
    private readonly Lock _gate = new();
    private string _status = settings.InitialStatus;
    private string _output = "";
    private long? _criticalSince;
    private volatile bool _retired;

    public CheckSettings Settings => settings;

    /// <summary>After this, nothing more reaches the notifier (apart from a call already under way).</summary>
    public void Retire() => _retired = true;

    /// <summary>Records a result that passed damping; tells the notifier if status or output changed.</summary>
    public void Apply(CheckResult result)
    {
        lock (_gate)
        {
            if (_retired)
            {
                return;
            }
            // Like Consul's local state, the critical clock runs from the first critical result, even a repeated one.
            if (result.Status == HealthStatus.Critical)
            {
                _criticalSince ??= timeProvider.GetTimestamp();
            }
            else
            {
                _criticalSince = null;
            }
            if (result.Status == _status && result.Output == _output)
            {
                return;
            }
            _status = result.Status;
            _output = result.Output;
            CheckMetrics.RecordTransition(settings.Type, result.Status);
            try
            {
                notifier.UpdateCheck(settings.CheckId, result.Status, result.Output);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Check {CheckId}: the agent failed to record status {Status}", settings.CheckId, result.Status);
            }
        }
    }

    /// <summary>How long the check has been critical, or null if it isn't.</summary>
    public TimeSpan? CriticalFor()
    {
        lock (_gate)
        {
            return _criticalSince is { } since ? timeProvider.GetElapsedTime(since) : null;
        }
    }
}
