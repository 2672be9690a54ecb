namespace Mesh.Server.Gossip;

/// <summary>memberlist's scaling formulas, so timing follows the same curves as Consul.</summary>
internal static class GossipMath
{
    private const int PushPullScaleThreshold = 32;

    /// <summary>SuspicionMult * max(1, log10(max(1, N))) * interval, at millisecond precision.</summary>
    public static TimeSpan SuspicionTimeout(int suspicionMult, int members, TimeSpan interval)
    {
        var nodeScale = Math.Max(1.0, Math.Log10(Math.Max(1.0, members)));
        return TimeSpan.FromTicks((long)(suspicionMult * Math.Floor(nodeScale * 1000) * interval.Ticks / 1000));
    }

    /// <summary>RetransmitMult * ceil(log10(N + 1)).</summary>
    public static int RetransmitLimit(int retransmitMult, int members) =>
        retransmitMult * (int)Math.Ceiling(Math.Log10(members + 1));

    /// <summary>Serf's default query timeout: GossipInterval * QueryTimeoutMult * ceil(log10(N + 1)).</summary>
    public static TimeSpan QueryTimeout(TimeSpan gossipInterval, int queryTimeoutMult, int members) =>
        gossipInterval * queryTimeoutMult * Math.Max(1, Math.Ceiling(Math.Log10(members + 1)));

    /// <summary>Push-pull slows down logarithmically above 32 members.</summary>
    public static TimeSpan PushPullScale(TimeSpan interval, int members)
    {
        if (members <= PushPullScaleThreshold)
        {
            return interval;
        }
        var multiplier = Math.Ceiling(Math.Log2(members) - Math.Log2(PushPullScaleThreshold)) + 1.0;
        return interval * multiplier;
    }

    /// <summary>
    /// Lifeguard: the remaining suspicion time after <paramref name="confirmations"/> of <paramref name="needed"/>
    /// independent confirmations, falling logarithmically from max to min.
    /// </summary>
    public static TimeSpan RemainingSuspicion(int confirmations, int needed, TimeSpan elapsed, TimeSpan min, TimeSpan max)
    {
        var fraction = Math.Log(confirmations + 1.0) / Math.Log(needed + 1.0);
        var raw = max.TotalSeconds - fraction * (max.TotalSeconds - min.TotalSeconds);
        var timeout = TimeSpan.FromMilliseconds(Math.Floor(1000.0 * raw));
        if (timeout < min)
        {
            timeout = min;
        }
        return timeout - elapsed;
    }
}
