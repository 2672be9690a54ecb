using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Mesh.Sidecar.Listeners;

/// <summary>Healthy once a snapshot has been applied and every listener it asks for is up.</summary>
public sealed class ProxyReadiness : IHealthCheck
{
    public const string Tag = "ready";

    private volatile string? _notReady = "waiting for the first proxy configuration";

    public void Ready() => _notReady = null;

    public void NotReady(string reason) => _notReady = reason;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_notReady is { } reason ? HealthCheckResult.Unhealthy(reason) : HealthCheckResult.Healthy());
}
