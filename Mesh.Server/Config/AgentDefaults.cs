namespace Mesh.Server.Config;

/// <summary>Consul's agent defaults (agent/config/default.go), and what <c>-dev</c> changes.</summary>
public static class AgentDefaults
{
    public const string Datacenter = "dc1";
    public const string ClientAddr = "127.0.0.1";
    public const string BindAddr = "0.0.0.0";
    public const string DevBindAddr = "127.0.0.1";
    /// <summary>What is advertised when binding to every interface (Consul would pick a private IP).</summary>
    public const string AnyBindAdvertiseAddr = "127.0.0.1";
    public const string LogLevel = "INFO";
    public const string DevLogLevel = "DEBUG";

    public const string Domain = "consul.";

    public const int HttpPort = 8500;
    public const int DnsPort = 8600;
    public const int ServerPort = 8300;
    public const int SerfLanPort = 8301;
    public const int GrpcPort = 8502;
    public const int SidecarMinPort = 21000;
    public const int SidecarMaxPort = 21255;

    public const int RaftMultiplier = 5;
    public const int DevRaftMultiplier = 1;
    public const int MaxRaftMultiplier = 10;

    /// <summary>Consul's Raft log compaction: snapshot after this many entries, keeping this many behind it.</summary>
    public const int RaftSnapshotThreshold = 16384;
    public const int RaftTrailingLogs = 10240;

    /// <summary>How often Consul checks whether <see cref="RaftSnapshotThreshold"/> has been passed.</summary>
    public static TimeSpan RaftSnapshotInterval { get; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a client keeps retrying an RPC while the servers have no leader (performance.rpc_hold_timeout).</summary>
    public static TimeSpan RpcHoldTimeout { get; } = TimeSpan.FromSeconds(7);

    /// <summary>memberlist's LAN defaults, which Consul uses for gossip_lan.</summary>
    public static GossipLanConfig GossipLan { get; } = new();

    /// <summary>Consul's dev source: faster gossip so a dev agent notices failures quickly.</summary>
    public static GossipLanConfig DevGossipLan { get; } = new()
    {
        GossipInterval = TimeSpan.FromMilliseconds(100),
        // Consul's dev mode probes every 100 ms with a 100 ms timeout; ours leaves the indirect probes (which run
        // after the direct timeout, inside the interval) time to answer.
        ProbeInterval = TimeSpan.FromMilliseconds(200),
        ProbeTimeout = TimeSpan.FromMilliseconds(100),
        SuspicionMult = 3,
    };
}
