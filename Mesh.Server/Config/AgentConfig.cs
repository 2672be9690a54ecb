namespace Mesh.Server.Config;

/// <summary>
/// The agent's resolved configuration: every config file and flag merged in Consul's order, defaults
/// applied, validated. Built by <see cref="AgentConfigLoader.Load"/>.
/// </summary>
public sealed record AgentConfig
{
    /// <summary>Lower-cased, as Consul does ("Consul-SG" becomes "consul-sg").</summary>
    public string Datacenter { get; init; } = AgentDefaults.Datacenter;

    /// <summary>Defaults to the machine's host name.</summary>
    public required string NodeName { get; init; }

    /// <summary>A lower-case UUID: configured, random in dev mode, else kept in <c>{DataDir}/node-id</c>.</summary>
    public required string NodeId { get; init; }

    /// <summary>Where state persists; null in dev mode, which keeps everything in memory.</summary>
    public string? DataDir { get; init; }

    public bool Server { get; init; }
    public bool Dev { get; init; }

    /// <summary>A server that elects itself without peers: dev mode, <c>bootstrap = true</c> or <c>bootstrap_expect = 1</c>.</summary>
    public bool Bootstrap { get; init; }

    /// <summary>Servers to wait for before the first election (0: none, or bootstrapping alone).</summary>
    public int BootstrapExpect { get; init; }

    /// <summary>Addresses to join at start (<c>-join</c>, <c>start_join</c>).</summary>
    public IReadOnlyList<string> Join { get; init; } = [];
    public IReadOnlyList<string> RetryJoin { get; init; } = [];

    /// <summary>Gossip and server RPC listen here: 127.0.0.1 in dev mode, else 0.0.0.0.</summary>
    public string BindAddr { get; init; } = AgentDefaults.BindAddr;

    /// <summary>What other agents dial: advertise_addr, else the bind address (127.0.0.1 when that is 0.0.0.0 or ::).</summary>
    public string AdvertiseAddr { get; init; } = AgentDefaults.AnyBindAdvertiseAddr;

    /// <summary>HTTP, DNS and gRPC listen here unless <see cref="Addresses"/> says otherwise.</summary>
    public string ClientAddr { get; init; } = AgentDefaults.ClientAddr;

    public AgentAddresses Addresses { get; init; } = new();
    public AgentPorts Ports { get; init; } = new();

    /// <summary>Where the HTTP API listens: addresses.http, else the client address.</summary>
    public string HttpAddress => Addresses.Http ?? ClientAddr;
    public string DnsAddress => Addresses.Dns ?? ClientAddr;
    public string GrpcAddress => Addresses.Grpc ?? ClientAddr;

    public bool EnableScriptChecks { get; init; }

    /// <summary>Script checks from config files only; defaults to <see cref="EnableScriptChecks"/>.</summary>
    public bool EnableLocalScriptChecks { get; init; }

    /// <summary>Upper case: TRACE, DEBUG, INFO, WARN, ERR or ERROR.</summary>
    public string LogLevel { get; init; } = AgentDefaults.LogLevel;
    public bool LogJson { get; init; }

    /// <summary>The gossip encryption key (base64 of 16, 24 or 32 bytes), or null.</summary>
    public string? Encrypt { get; init; }

    public IReadOnlyDictionary<string, string> NodeMeta { get; init; } = new Dictionary<string, string>();

    /// <summary>Services from config files, in file order (validated: each has a name).</summary>
    public IReadOnlyList<ServiceDefinition> Services { get; init; } = [];

    /// <summary>Node-level checks from config files, in file order.</summary>
    public IReadOnlyList<CheckDefinition> Checks { get; init; } = [];

    /// <summary>Scales Raft's timeouts (performance.raft_multiplier): 5 by default, 1 in dev mode.</summary>
    public int RaftMultiplier { get; init; } = AgentDefaults.RaftMultiplier;

    public GossipLanConfig GossipLan { get; init; } = AgentDefaults.GossipLan;

    public AutopilotConfig Autopilot { get; init; } = new();

    /// <summary>connect { enabled = true }; on in dev mode.</summary>
    public bool ConnectEnabled { get; init; }

    /// <summary>
    /// What decides a connection no intention matches: allow, unless <c>acl { enabled = true, default_policy = "deny" }</c>
    /// (Consul takes the intention default from the ACL default policy, and allows everything with ACLs off).
    /// </summary>
    public bool IntentionDefaultAllow { get; init; } = true;

    /// <summary>Applied Raft entries since the last snapshot that trigger a new one (raft_snapshot_threshold).</summary>
    public int RaftSnapshotThreshold { get; init; } = AgentDefaults.RaftSnapshotThreshold;

    /// <summary>Entries kept in the log behind a snapshot, so a lagging server catches up without one (raft_trailing_logs).</summary>
    public int RaftTrailingLogs { get; init; } = AgentDefaults.RaftTrailingLogs;

    /// <summary>How often to check whether <see cref="RaftSnapshotThreshold"/> has been passed (raft_snapshot_interval).</summary>
    public TimeSpan RaftSnapshotInterval { get; init; } = AgentDefaults.RaftSnapshotInterval;

    /// <summary>How long an RPC is retried while there is no leader (performance.rpc_hold_timeout).</summary>
    public TimeSpan RpcHoldTimeout { get; init; } = AgentDefaults.RpcHoldTimeout;

    /// <summary>Leave the cluster gracefully on SIGTERM: by default clients do, servers do not.</summary>
    public bool LeaveOnTerminate { get; init; }

    /// <summary>Skip the graceful leave on SIGINT (Ctrl-C): by default servers skip it, clients leave.</summary>
    public bool SkipLeaveOnInterrupt { get; init; }

    /// <summary>The DNS domain, lower case with its trailing dot ("consul.").</summary>
    public string Domain { get; init; } = AgentDefaults.Domain;

    /// <summary>Upstream DNS servers as "ip:port", asked in order for names outside <see cref="Domain"/>.</summary>
    public IReadOnlyList<string> Recursors { get; init; } = [];

    public DnsSettings Dns { get; init; } = new();

    /// <summary>Things the operator should know that did not stop loading (e.g. a skipped file).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

public sealed record AgentAddresses
{
    public string? Http { get; init; }
    public string? Dns { get; init; }
    public string? Grpc { get; init; }
}

/// <summary>Listen ports. 0 lets the OS pick (useful in tests); -1 disables the listener, as in Consul.</summary>
public sealed record AgentPorts
{
    public int Http { get; init; } = AgentDefaults.HttpPort;
    public int Dns { get; init; } = AgentDefaults.DnsPort;
    public int Server { get; init; } = AgentDefaults.ServerPort;
    public int SerfLan { get; init; } = AgentDefaults.SerfLanPort;
    public int Grpc { get; init; } = AgentDefaults.GrpcPort;
    public int SidecarMinPort { get; init; } = AgentDefaults.SidecarMinPort;
    public int SidecarMaxPort { get; init; } = AgentDefaults.SidecarMaxPort;
}

/// <summary>
/// LAN gossip (SWIM/Lifeguard) timing. gossip_lan sets all but <see cref="IndirectChecks"/> and
/// <see cref="PushPullInterval"/>, which Consul does not expose either (memberlist defaults).
/// </summary>
public sealed record GossipLanConfig
{
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromMilliseconds(500);
    public int IndirectChecks { get; init; } = 3;
    public TimeSpan GossipInterval { get; init; } = TimeSpan.FromMilliseconds(200);
    public int GossipNodes { get; init; } = 3;
    public int RetransmitMult { get; init; } = 4;
    public int SuspicionMult { get; init; } = 4;
    public TimeSpan PushPullInterval { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>autopilot { ... }: the leader's automatic server management.</summary>
public sealed record AutopilotConfig
{
    /// <summary>Remove failed servers from the Raft configuration while a quorum stays.</summary>
    public bool CleanupDeadServers { get; init; } = true;

    /// <summary>A server that has not heard from the leader for longer than this is unhealthy.</summary>
    public TimeSpan LastContactThreshold { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>A server more than this many log entries behind the leader is unhealthy.</summary>
    public int MaxTrailingLogs { get; init; } = 250;

    /// <summary>Dead-server cleanup stops at this many servers (0: no minimum).</summary>
    public int MinQuorum { get; init; }

    /// <summary>How long a new server must stay healthy before it is promoted to voter.</summary>
    public TimeSpan ServerStabilizationTime { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>dns_config { ... }: how the DNS interface answers (Consul's defaults).</summary>
public sealed record DnsSettings
{
    /// <summary>Any server answers from its own state, as Consul's DNS does by default.</summary>
    public bool AllowStale { get; init; } = true;

    /// <summary>Leave out instances with a warning check too (critical ones are always left out).</summary>
    public bool OnlyPassing { get; init; }

    public TimeSpan NodeTtl { get; init; }

    /// <summary>Per service name; "*" matches every service and "web*" every name starting "web".</summary>
    public IReadOnlyDictionary<string, TimeSpan> ServiceTtl { get; init; } = new Dictionary<string, TimeSpan>();

    /// <summary>At most this many A/AAAA answers, over UDP and TCP (0: no limit).</summary>
    public int ARecordLimit { get; init; }

    /// <summary>At most this many answers in a UDP reply to a query without EDNS0.</summary>
    public int UdpAnswerLimit { get; init; } = 3;

    public TimeSpan RecursorTimeout { get; init; } = TimeSpan.FromSeconds(2);
}
