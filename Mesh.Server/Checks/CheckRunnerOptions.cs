namespace Mesh.Server.Checks;

/// <summary>Tuning of <see cref="CheckRunner"/>; the defaults are Consul's.</summary>
public sealed record CheckRunnerOptions
{
    /// <summary>How often services whose checks stay critical are looked for (Consul's <c>check_reap_interval</c>).</summary>
    public TimeSpan ReapInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Floor of <c>DeregisterCriticalServiceAfter</c> (Consul's <c>check_deregister_interval_min</c>).</summary>
    public TimeSpan DeregisterCriticalServiceAfterMin { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Cap of the random pause before a periodic check's first run. Consul staggers over the whole interval to
    /// spread load; a short cap keeps that while giving a new check its first result promptly.
    /// </summary>
    public TimeSpan MaxInitialStagger { get; init; } = TimeSpan.FromMilliseconds(250);
}
