using Microsoft.Extensions.Logging;

namespace Mesh.Server.Checks;

/// <summary>
/// Runs a probe after a short random stagger and then once per interval, counted from the end of the previous
/// run as Consul does, each run bounded by the check's timeout; results go through damping to the state.
/// </summary>
internal sealed class PeriodicMonitor(CheckState state, ICheckProbe probe, TimeSpan stagger, TimeProvider timeProvider, ILogger logger)
    : ICheckMonitor
{
    private readonly CancellationTokenSource _stop = new();
    private readonly StatusDamper _damper = StatusDamper.For(state.Settings);
    private Task _run = Task.CompletedTask;

    private CheckSettings Settings => state.Settings;

    public void Start() => _run = Task.Run(RunAsync);

    public Task Stop()
    {
        // CancelAsync keeps the loop's continuations off the caller's thread (and out of its locks).
        _ = _stop.CancelAsync();
        return _run;
    }

    private async Task RunAsync()
    {
        try
        {
            await Task.Delay(stagger, timeProvider, _stop.Token).ConfigureAwait(false);
            while (true)
            {
                var result = await RunOnceAsync().ConfigureAwait(false);
                if (_stop.IsCancellationRequested)
                {
                    return;
                }
                if (_damper.Apply(result) is { } reported)
                {
                    state.Apply(reported);
                }
                else
                {
                    logger.LogDebug("Check {CheckId}: {Status} result held back until its threshold is reached", Settings.CheckId, result.Status);
                }
                await Task.Delay(Settings.Interval, timeProvider, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (_stop.IsCancellationRequested)
        {
            // Stopped; whatever a probe threw while being torn down doesn't matter anymore.
            logger.LogDebug("Check {CheckId} stopped: {Reason}", Settings.CheckId, ex.Message);
        }
        finally
        {
            (probe as IDisposable)?.Dispose();
        }
    }

    private async Task<CheckResult> RunOnceAsync()
    {
        using var timeout = new CancellationTokenSource(Settings.Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stop.Token);
        var started = timeProvider.GetTimestamp();
        CheckResult result;
        try
        {
            result = await probe.ProbeAsync(linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!_stop.IsCancellationRequested)
        {
            // A probe reports failures as results; anything else is a bug that must not end the check.
            logger.LogError(ex, "Check {CheckId} failed unexpectedly", Settings.CheckId);
            result = CheckResult.Critical(ex.Message);
        }
        CheckMetrics.RecordRun(Settings.Type, result.Status, timeProvider.GetElapsedTime(started));
        return result;
    }
}
