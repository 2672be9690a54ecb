namespace Mesh.Server.Checks;

/// <summary>One run's outcome: a <see cref="HealthStatus"/> value and the text Consul would show as Output.</summary>
internal readonly record struct CheckResult(string Status, string Output)
{
    public static CheckResult Passing(string output) => new(HealthStatus.Passing, output);
    public static CheckResult Warning(string output) => new(HealthStatus.Warning, output);
    public static CheckResult Critical(string output) => new(HealthStatus.Critical, output);
}
