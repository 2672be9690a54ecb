using System.Text;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Checks;

/// <summary>
/// Consul's TTL check: clients set the status through /v1/agent/check/pass|warn|fail|update, each call renewing
/// the TTL; once a TTL passes without one the check turns critical with "TTL expired".
/// </summary>
internal sealed class TtlMonitor(CheckState state, TimeProvider timeProvider, ILogger logger) : ICheckMonitor
{
    private readonly Lock _gate = new();
    private readonly TimeSpan _ttl = state.Settings.Definition.TTL!.Value;
    private ITimer? _timer;
    private long _renewedAt;
    private string _lastOutput = "";

    public void Start()
    {
        lock (_gate)
        {
            _renewedAt = timeProvider.GetTimestamp();
            _timer = timeProvider.CreateTimer(_ => Expire(), null, _ttl, Timeout.InfiniteTimeSpan);
        }
    }

    public Task Stop()
    {
        // No lock: a notification under way must not hold up the caller (see ICheckNotifier).
        Volatile.Read(ref _timer)?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Sets status and output (cut to OutputMaxSize as Consul does) and renews the TTL.</summary>
    public void SetStatus(string status, string output)
    {
        output = Truncate(output, state.Settings.OutputMaxSize);
        lock (_gate)
        {
            _lastOutput = output;
            _renewedAt = timeProvider.GetTimestamp();
            try
            {
                _timer?.Change(_ttl, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // Removed meanwhile; the retired state ignores the update below.
            }
            state.Apply(new CheckResult(status, output));
        }
    }

    private void Expire()
    {
        lock (_gate)
        {
            // A renewal that raced the timer wins; and a timer firing a hair early (its clock isn't the
            // timestamp's) waits out the rest rather than losing the expiry.
            var elapsed = timeProvider.GetElapsedTime(_renewedAt);
            if (elapsed < _ttl)
            {
                try
                {
                    _timer?.Change(_ttl - elapsed, Timeout.InfiniteTimeSpan);
                }
                catch (ObjectDisposedException)
                {
                    // Removed meanwhile.
                }
                return;
            }
            logger.LogWarning("Check {CheckId} missed TTL, is now critical", state.Settings.CheckId);
            state.Apply(CheckResult.Critical(_lastOutput.Length == 0
                ? "TTL expired"
                : $"TTL expired (last output before timeout follows): {_lastOutput}"));
        }
    }

    private static string Truncate(string output, int maxBytes)
    {
        var total = Encoding.UTF8.GetByteCount(output);
        if (total <= maxBytes)
        {
            return output;
        }
        var kept = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(output), 0, maxBytes);
        return $"{kept} ... (captured {maxBytes} of {total} bytes)";
    }
}
