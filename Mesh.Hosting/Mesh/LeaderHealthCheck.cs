using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting.Mesh;

/// <summary>Healthy when one of the agents knows a leader: it has joined a datacenter that can take writes.</summary>
internal sealed class LeaderHealthCheck(IEnumerable<MeshAgentPorts> agents) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        string? failure = null;
        foreach (var agent in agents)
        {
            try
            {
                if (await MeshApi.LeaderAsync(agent, cancellationToken).ConfigureAwait(false) is { Length: > 0 } leader)
                {
                    return HealthCheckResult.Healthy($"leader {leader}");
                }
                failure = "no leader yet";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                failure = e.Message;
            }
        }
        return HealthCheckResult.Unhealthy(failure);
    }
}
