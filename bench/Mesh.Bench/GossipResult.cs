namespace Mesh.Bench;

/// <summary>
/// One pool size's gossip timings in seconds over the rounds, simulated or real: kill to failed at every other member,
/// kill to serfHealth critical (real only), join to alive at every other member (and from the new process's start,
/// real only), a metadata update to every member (simulated only), and the steady-state traffic.
/// </summary>
internal sealed record GossipResult(
    int Members,
    Percentiles Detection,
    Percentiles? Catalog,
    Percentiles Join,
    Percentiles? JoinFromStart,
    Percentiles? Update,
    GossipTraffic? Traffic);

/// <summary>
/// Gossip bytes sent per member per second over <paramref name="Window"/>, by transport (means), and their spread:
/// <paramref name="Low"/>–<paramref name="High"/> across the real members, or across the seeds' pool averages when simulated.
/// </summary>
internal sealed record GossipTraffic(double Udp, double Tcp, double Low, double High, TimeSpan Window)
{
    public double Total => Udp + Tcp;
}
