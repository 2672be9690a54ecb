namespace Mesh.Server.Checks;

/// <summary>Consul's defaults and limits for check definitions (agent/checks/check.go).</summary>
public static class CheckDefaults
{
    /// <summary>Shorter intervals are raised to this, so a check can't fork-bomb the host.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);

    /// <summary>Timeout of HTTP, TCP and gRPC checks when none is given.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Timeout of script checks when none is given (Consul's monitor uses 30s, not 10s).</summary>
    public static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Bytes of output kept when <c>OutputMaxSize</c> isn't set.</summary>
    public const int OutputMaxSize = 4096;

    /// <summary>User-Agent of HTTP checks unless their headers set one.</summary>
    public const string UserAgent = "Consul Health Check";
}
