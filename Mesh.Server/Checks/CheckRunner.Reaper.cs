using Microsoft.Extensions.Logging;

namespace Mesh.Server.Checks;

public sealed partial class CheckRunner
{
    private readonly Action<string>? _deregisterService;
    private readonly ITimer? _reaper;

    /// <summary>
    /// One pass of Consul's reaper: each service with a check critical for longer than that check's
    /// DeregisterCriticalServiceAfter is handed to the deregister callback once.
    /// </summary>
    private void ReapCriticalServices()
    {
        RunningCheck[] checks;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            checks = [.. _checks.Values];
        }

        var reaped = new HashSet<string>(StringComparer.Ordinal);
        foreach (var check in checks)
        {
            var settings = check.State.Settings;
            var serviceId = settings.Definition.ServiceID;
            if (string.IsNullOrEmpty(serviceId) || settings.DeregisterCriticalServiceAfter is not { } limit || reaped.Contains(serviceId))
            {
                continue;
            }
            if (check.State.CriticalFor() is { } critical && critical > limit)
            {
                reaped.Add(serviceId);
                _logger.LogInformation(
                    "Check {CheckId} for service {ServiceId} has been critical for too long; deregistering the service",
                    settings.CheckId, serviceId);
                try
                {
                    _deregisterService!(serviceId);
                }
                catch (Exception ex)
                {
                    _logger.LogError(ex, "Failed to deregister service {ServiceId} whose check stayed critical", serviceId);
                }
            }
        }
    }
}
