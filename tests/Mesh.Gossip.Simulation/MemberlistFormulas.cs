using Mesh.Server.Gossip;

namespace Mesh.Gossip.Simulation;

/// <summary>
/// What memberlist's own formulas predict for a pool of <c>members</c> with the given settings: the yardstick the
/// simulated and real timings are held against (the protocol core scales its timers with the same functions).
/// </summary>
public static class MemberlistFormulas
{
    /// <summary>Lifeguard's shortest suspicion: SuspicionMult · max(1, log10 N) · ProbeInterval, reached with SuspicionMult − 2 confirmations.</summary>
    public static TimeSpan SuspicionMin(GossipOptions options, int members) =>
        GossipMath.SuspicionTimeout(options.SuspicionMult, members, options.ProbeInterval);

    /// <summary>The suspicion timeout nobody confirms: SuspicionMaxTimeoutMult · min.</summary>
    public static TimeSpan SuspicionMax(GossipOptions options, int members) =>
        SuspicionMin(options, members) * options.SuspicionMaxTimeoutMult;

    /// <summary>
    /// Kill to failed: one probe round (ping, ProbeTimeout, indirect pings, all within ProbeInterval) and then the
    /// confirmed (minimum) suspicion timeout.
    /// </summary>
    public static TimeSpan ExpectedDetection(GossipOptions options, int members) =>
        options.ProbeInterval + SuspicionMin(options, members);

    /// <summary>How often each member queues a broadcast: RetransmitMult · ceil(log10(N + 1)).</summary>
    public static int RetransmitLimit(GossipOptions options, int members) =>
        GossipMath.RetransmitLimit(options.RetransmitMult, members);

    /// <summary>
    /// Dissemination yardstick: the retransmit limit in rounds of GossipInterval. Each member that holds a notice sends
    /// it at most that many times (GossipNodes a round, plus piggybacked on probes), so by then the spread is over;
    /// an epidemic with fan-out GossipNodes usually covers the pool in far fewer rounds.
    /// </summary>
    public static TimeSpan DisseminationBound(GossipOptions options, int members) =>
        options.GossipInterval * RetransmitLimit(options, members);

    /// <summary>Each member's push-pull period: PushPullInterval, stretched by log2(N / 32) above 32 members.</summary>
    public static TimeSpan PushPullInterval(GossipOptions options, int members) =>
        GossipMath.PushPullScale(options.PushPullInterval, members);
}
