namespace Mesh.Server.Checks;

/// <summary>Consul's check statuses (<c>api.HealthPassing</c> and friends).</summary>
public static class HealthStatus
{
    public const string Passing = "passing";
    public const string Warning = "warning";
    public const string Critical = "critical";
    /// <summary>Only the agent's maintenance-mode checks carry it; clients can't register or set it.</summary>
    public const string Maintenance = "maintenance";

    /// <summary>True for the statuses a client may register a check with or set on a TTL check.</summary>
    public static bool IsValid(string? status) => status is Passing or Warning or Critical;
}
