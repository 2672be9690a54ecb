namespace Mesh.Server.Config;

/// <summary>
/// A health check as Consul's config files (<c>check { ... }</c>) and <c>/v1/agent/check/register</c> describe it.
/// Property names are Consul's; the binder also accepts their snake_case spellings.
/// </summary>
public sealed record CheckDefinition
{
    public string? ID { get; init; }
    public string? CheckID { get; init; }
    public string? Name { get; init; }
    public string? Notes { get; init; }
    public string? ServiceID { get; init; }
    /// <summary>Initial status: passing, warning or critical (Consul defaults to critical).</summary>
    public string? Status { get; init; }

    public TimeSpan? Interval { get; init; }
    public TimeSpan? Timeout { get; init; }
    public TimeSpan? TTL { get; init; }
    public TimeSpan? DeregisterCriticalServiceAfter { get; init; }

    public string? HTTP { get; init; }
    public string? Method { get; init; }
    public Dictionary<string, List<string>>? Header { get; init; }
    public string? Body { get; init; }
    public bool TLSSkipVerify { get; init; }
    public string? TLSServerName { get; init; }

    public string? TCP { get; init; }
    public string? GRPC { get; init; }
    public bool GRPCUseTLS { get; init; }

    public List<string>? Args { get; init; }
    public string? Shell { get; init; }

    /// <summary>An alias check mirrors the health of this service (on <see cref="AliasNode"/>, else this agent's node).</summary>
    public string? AliasService { get; init; }
    public string? AliasNode { get; init; }

    public int SuccessBeforePassing { get; init; }
    public int FailuresBeforeWarning { get; init; }
    public int FailuresBeforeCritical { get; init; }
    /// <summary>Bytes of check output kept (Consul: 4096).</summary>
    public int OutputMaxSize { get; init; }

    /// <summary>The ID the check is known by: <c>ID</c>, else <c>CheckID</c>.</summary>
    public string? EffectiveId => ID ?? CheckID;
}
