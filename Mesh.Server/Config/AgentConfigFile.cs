namespace Mesh.Server.Config;

/// <summary>
/// What the agent's config files (and then its flags) set, before defaults: Consul's key names, every
/// value nullable ("not set") and located, so later sources override earlier ones and errors found
/// after merging still name file:line:column. Property names are the keys (see <see cref="ConfigKeys"/>).
/// </summary>
internal sealed class AgentConfigFile
{
    /// <summary>
    /// Keys (normalized) Consul has that MeshAspire accepts in config files and ignores, per section,
    /// so a real Consul config loads. Everything else unknown is an error.
    /// </summary>
    public static readonly IReadOnlyDictionary<Type, IReadOnlySet<string>> IgnoredKeys = new Dictionary<Type, IReadOnlySet<string>>
    {
        [typeof(AgentConfigFile)] = Keys(
            "ui", "ui_config", "ui_dir", "ui_content_path", "telemetry", "limits",
            "tls", "http_config", "gossip_wan", "auto_encrypt", "config_entries", "rpc", "cache", "watches",
            "alt_domain", "log_file", "log_rotate_duration", "log_rotate_bytes",
            "log_rotate_max_files", "enable_syslog", "syslog_facility", "pid_file", "disable_update_check",
            "disable_host_node_id", "disable_remote_exec", "disable_anonymous_signature", "disable_keyring_file",
            "enable_debug", "rejoin_after_leave", "retry_interval",
            "retry_max", "start_join_wan", "retry_join_wan", "advertise_addr_wan", "translate_wan_addrs",
            "serf_lan", "serf_wan", "primary_datacenter", "raft_protocol", "tagged_addresses", "check_update_interval",
            "discard_check_output", "enable_central_service_config", "encrypt_verify_incoming",
            "encrypt_verify_outgoing", "verify_incoming", "verify_outgoing", "verify_server_hostname", "ca_file",
            "ca_path", "cert_file", "key_file"),
        [typeof(PortsSection)] = Keys("https", "serf_wan", "grpc_tls", "proxy_min_port", "proxy_max_port", "expose_min_port", "expose_max_port"),
        [typeof(AddressesSection)] = Keys("https", "grpc_tls"),
        [typeof(PerformanceSection)] = Keys("leave_drain_time"),
        // Enterprise-only (redundancy zones, upgrade migration).
        [typeof(AutopilotSection)] = Keys("disable_upgrade_migration", "redundancy_zone_tag", "upgrade_version_tag"),
        [typeof(ConnectSection)] = Keys("ca_provider", "ca_config", "enable_mesh_gateway_wan_federation"),
        // Without an ACL system only the intention default is read; tokens and replication settings load and are ignored.
        [typeof(AclSection)] = Keys(
            "down_policy", "policy_ttl", "role_ttl", "token_ttl", "enable_token_persistence", "enable_key_list_policy",
            "enable_token_replication", "tokens", "msp_disable_bootstrap"),
        [typeof(DnsConfigSection)] = Keys(
            "max_stale", "use_cache", "cache_max_age", "disable_compression", "enable_truncate", "soa", "prefer_namespace",
            "recursor_strategy", "enable_additional_node_meta_txt"),
    };

    public Located<string>? Datacenter { get; set; }
    public Located<string>? NodeName { get; set; }
    public Located<string>? NodeId { get; set; }
    public Located<string>? DataDir { get; set; }
    public Located<bool>? Server { get; set; }
    public Located<bool>? Bootstrap { get; set; }
    public Located<int>? BootstrapExpect { get; set; }
    public List<string>? StartJoin { get; set; }
    public List<string>? RetryJoin { get; set; }
    public Located<string>? BindAddr { get; set; }
    public Located<string>? AdvertiseAddr { get; set; }
    public Located<string>? ClientAddr { get; set; }
    public AddressesSection? Addresses { get; set; }
    public PortsSection? Ports { get; set; }
    public Located<bool>? EnableScriptChecks { get; set; }
    public Located<bool>? EnableLocalScriptChecks { get; set; }
    public Located<string>? LogLevel { get; set; }
    public Located<bool>? LogJson { get; set; }
    public Located<string>? Encrypt { get; set; }
    public Dictionary<string, string>? NodeMeta { get; set; }

    /// <summary><c>services = [...]</c> and every <c>service { }</c> block, in order.</summary>
    public List<ServiceDefinition>? Services { get; set; }

    /// <summary><c>checks = [...]</c> and every <c>check { }</c> block, in order.</summary>
    public List<CheckDefinition>? Checks { get; set; }

    public PerformanceSection? Performance { get; set; }
    public GossipLanSection? GossipLan { get; set; }
    public ConnectSection? Connect { get; set; }
    public AclSection? Acl { get; set; }

    public Located<int>? RaftSnapshotThreshold { get; set; }
    public Located<TimeSpan>? RaftSnapshotInterval { get; set; }
    public Located<int>? RaftTrailingLogs { get; set; }
    public AutopilotSection? Autopilot { get; set; }
    public Located<bool>? LeaveOnTerminate { get; set; }
    public Located<bool>? SkipLeaveOnInterrupt { get; set; }

    /// <summary>The DNS domain the agent answers for (Consul's "consul.").</summary>
    public Located<string>? Domain { get; set; }

    /// <summary>Upstream DNS servers ("ip" or "ip:port") for names outside <see cref="Domain"/>.</summary>
    public List<string>? Recursors { get; set; }
    public DnsConfigSection? DnsConfig { get; set; }

    private static HashSet<string> Keys(params string[] keys) => [.. keys.Select(ConfigKeys.Normalize)];
}

internal sealed class AddressesSection
{
    public Located<string>? Http { get; set; }
    public Located<string>? Dns { get; set; }
    public Located<string>? Grpc { get; set; }
}

internal sealed class PortsSection
{
    public Located<int>? Http { get; set; }
    public Located<int>? Dns { get; set; }
    public Located<int>? Server { get; set; }
    public Located<int>? SerfLan { get; set; }
    public Located<int>? Grpc { get; set; }
    public Located<int>? SidecarMinPort { get; set; }
    public Located<int>? SidecarMaxPort { get; set; }
}

internal sealed class PerformanceSection
{
    public Located<int>? RaftMultiplier { get; set; }
    public Located<TimeSpan>? RpcHoldTimeout { get; set; }
}

internal sealed class AutopilotSection
{
    public Located<bool>? CleanupDeadServers { get; set; }
    public Located<TimeSpan>? LastContactThreshold { get; set; }
    public Located<int>? MaxTrailingLogs { get; set; }
    public Located<int>? MinQuorum { get; set; }
    public Located<TimeSpan>? ServerStabilizationTime { get; set; }
}

internal sealed class GossipLanSection
{
    public Located<TimeSpan>? GossipInterval { get; set; }
    public Located<int>? GossipNodes { get; set; }
    public Located<TimeSpan>? ProbeInterval { get; set; }
    public Located<TimeSpan>? ProbeTimeout { get; set; }
    public Located<int>? SuspicionMult { get; set; }
    public Located<int>? RetransmitMult { get; set; }
}

internal sealed class ConnectSection
{
    public Located<bool>? Enabled { get; set; }
}

internal sealed class AclSection
{
    public Located<bool>? Enabled { get; set; }
    public Located<string>? DefaultPolicy { get; set; }
}

internal sealed class DnsConfigSection
{
    public Located<bool>? AllowStale { get; set; }
    public Located<bool>? OnlyPassing { get; set; }
    public Located<TimeSpan>? NodeTtl { get; set; }
    public Dictionary<string, TimeSpan>? ServiceTtl { get; set; }
    public Located<int>? ARecordLimit { get; set; }
    public Located<int>? UdpAnswerLimit { get; set; }
    public Located<TimeSpan>? RecursorTimeout { get; set; }
}
