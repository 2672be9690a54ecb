namespace Mesh.Server.Config;

/// <summary>
/// What <c>mesh agent</c>'s command line said. Flags are the last and strongest config source:
/// a set flag overrides every file (Consul's rule); <c>null</c> means "not given".
/// </summary>
public sealed record AgentFlags
{
    public bool Dev { get; init; }
    public bool? Server { get; init; }

    /// <summary><c>-bootstrap</c>: the same as <c>bootstrap = true</c>.</summary>
    public bool? Bootstrap { get; init; }
    public int? BootstrapExpect { get; init; }
    public IReadOnlyList<string> Join { get; init; } = [];
    public IReadOnlyList<string> RetryJoin { get; init; } = [];
    public string? NodeName { get; init; }
    public string? Datacenter { get; init; }
    public string? DataDir { get; init; }
    public IReadOnlyList<string> ConfigDirs { get; init; } = [];
    public IReadOnlyList<string> ConfigFiles { get; init; } = [];
    public string? BindAddr { get; init; }
    public string? ClientAddr { get; init; }
    public int? HttpPort { get; init; }
    public int? DnsPort { get; init; }
    public int? ServerPort { get; init; }
    public int? SerfLanPort { get; init; }
    public int? GrpcPort { get; init; }
    public bool? EnableScriptChecks { get; init; }
    public bool? EnableLocalScriptChecks { get; init; }
    public string? LogLevel { get; init; }
    public string? Encrypt { get; init; }

    /// <summary>
    /// <c>-hcl</c> config fragments, in order. Unlike the other flags they are sources of their own, applied
    /// after the files and the other flags as Consul does: scalars override both, lists append.
    /// </summary>
    public IReadOnlyList<string> Hcl { get; init; } = [];
}
