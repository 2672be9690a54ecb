namespace Mesh.Server.Gossip;

/// <summary>
/// Protocol timing and limits. Defaults are memberlist's DefaultLANConfig, which Consul uses for `gossip_lan`.
/// </summary>
public sealed record GossipOptions
{
    /// <summary>Consul's serf_lan port.</summary>
    public const int DefaultPort = 8301;

    /// <summary>How often one member is probed (scaled by the local health score).</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a direct probe waits for an ack before asking others (scaled by the health score).</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How many members are asked to probe indirectly (ping-req) after a direct probe fails.</summary>
    public int IndirectChecks { get; init; } = 3;

    /// <summary>Also probe over a stream (TCP) when UDP probes fail, as memberlist does.</summary>
    public bool StreamFallbackProbe { get; init; } = true;

    public TimeSpan GossipInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Members gossiped to each <see cref="GossipInterval"/>.</summary>
    public int GossipNodes { get; init; } = 3;

    /// <summary>How long dead members still receive gossip (so they can learn of and refute their death).</summary>
    public TimeSpan GossipToTheDeadTime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Broadcasts are sent RetransmitMult * ceil(log10(N + 1)) times.</summary>
    public int RetransmitMult { get; init; } = 4;

    /// <summary>Minimum suspicion timeout is SuspicionMult * max(1, log10(N)) * ProbeInterval.</summary>
    public int SuspicionMult { get; init; } = 4;

    /// <summary>Maximum suspicion timeout as a multiple of the minimum (Lifeguard's dynamic suspicion).</summary>
    public int SuspicionMaxTimeoutMult { get; init; } = 6;

    /// <summary>A query's default timeout is GossipInterval * QueryTimeoutMult * ceil(log10(N + 1)) (Serf's setting).</summary>
    public int QueryTimeoutMult { get; init; } = 16;

    /// <summary>Full state exchange with one random member, scaled up for pools above 32 members.</summary>
    public TimeSpan PushPullInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Local health awareness: probe interval and timeout grow up to this multiple.</summary>
    public int AwarenessMaxMultiplier { get; init; } = 8;

    /// <summary>A dead member's name can be taken by another address after this long (Consul sets 30 s).</summary>
    public TimeSpan DeadNodeReclaimTime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a failed member stays listed after it stopped being gossiped (Consul's reconnect_timeout).</summary>
    public TimeSpan FailedMemberRetention { get; init; } = TimeSpan.FromHours(72);

    /// <summary>How long a member that left stays listed (Serf's tombstone timeout).</summary>
    public TimeSpan LeftMemberRetention { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Largest UDP datagram sent or accepted, including encryption (memberlist's UDPBufferSize).</summary>
    public int MaxPacketSize { get; init; } = 1400;

    /// <summary>Largest stream frame (push-pull state) sent or accepted.</summary>
    public int MaxStreamSize { get; init; } = 8 * 1024 * 1024;

    /// <summary>Connect, write and read deadline of a stream exchange (memberlist's TCPTimeout).</summary>
    public TimeSpan StreamTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        Require(ProbeInterval > TimeSpan.Zero, "probe interval must be positive");
        Require(ProbeTimeout > TimeSpan.Zero && ProbeTimeout < ProbeInterval, "probe timeout must be positive and less than the probe interval");
        Require(IndirectChecks >= 0, "indirect checks must not be negative");
        Require(GossipInterval > TimeSpan.Zero, "gossip interval must be positive");
        Require(GossipNodes > 0, "gossip nodes must be positive");
        Require(RetransmitMult > 0, "retransmit multiplier must be positive");
        Require(SuspicionMult > 0, "suspicion multiplier must be positive");
        Require(SuspicionMaxTimeoutMult >= 1, "suspicion max timeout multiplier must be at least 1");
        Require(QueryTimeoutMult > 0, "query timeout multiplier must be positive");
        Require(PushPullInterval >= TimeSpan.Zero, "push-pull interval must not be negative");
        Require(AwarenessMaxMultiplier >= 1, "awareness max multiplier must be at least 1");
        Require(MaxPacketSize >= 512 && MaxPacketSize <= 65507, "max packet size must be 512 to 65507 bytes");
        Require(MaxStreamSize >= 64 * 1024, "max stream size must be at least 64 KiB");
        Require(StreamTimeout > TimeSpan.Zero, "stream timeout must be positive");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException($"gossip: {message}");
        }
    }
}
