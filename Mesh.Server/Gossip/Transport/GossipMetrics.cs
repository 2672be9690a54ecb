using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Mesh.Server.Gossip;

/// <summary>
/// The gossip instruments on the "mesh.gossip" meter, fed by the core and transport through
/// <see cref="IGossipObserver"/>. Member counts and the health score are observed from the running node.
/// </summary>
public sealed class GossipMetrics : IGossipObserver, IDisposable
{
    public const string MeterName = "mesh.gossip";

    private readonly bool _ownsMeter;
    private readonly Histogram<double> _probeDuration;
    private readonly Counter<long> _suspicions;
    private readonly Counter<long> _refutations;
    private readonly Counter<long> _bytesSent;
    private readonly Counter<long> _bytesReceived;
    private readonly Counter<long> _dropped;
    private readonly ConcurrentDictionary<DropReason, long> _drops = new();

    public GossipMetrics(IMeterFactory? meterFactory, Func<IReadOnlyDictionary<MemberState, int>> memberCounts, Func<int> healthScore)
    {
        _ownsMeter = meterFactory is null;
        Meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _probeDuration = Meter.CreateHistogram<double>("mesh.gossip.probe.duration", "s", "Time from a probe's ping to its ack, or to giving up.");
        _suspicions = Meter.CreateCounter<long>("mesh.gossip.suspicions", description: "Members this node started to suspect.");
        _refutations = Meter.CreateCounter<long>("mesh.gossip.refutations", description: "Suspicions or death notices about this node that it refuted.");
        _bytesSent = Meter.CreateCounter<long>("mesh.gossip.bytes.sent", "By", "Bytes written, by transport.");
        _bytesReceived = Meter.CreateCounter<long>("mesh.gossip.bytes.received", "By", "Bytes read, by transport.");
        _dropped = Meter.CreateCounter<long>("mesh.gossip.packets.dropped", description: "Packets and stream frames dropped, by reason.");
        Meter.CreateObservableGauge("mesh.gossip.members", () => memberCounts().Select(count =>
            new Measurement<int>(count.Value, new KeyValuePair<string, object?>("state", StateName(count.Key)))),
            description: "Known members by state.");
        Meter.CreateObservableGauge("mesh.gossip.health.score", healthScore, description: "Lifeguard local health score (0 is healthy).");
    }

    public Meter Meter { get; }

    /// <summary>How many inputs were dropped for <paramref name="reason"/> since start.</summary>
    public long Dropped(DropReason reason) => _drops.GetValueOrDefault(reason);

    /// <summary>Consul's vocabulary for member states, as <c>members</c> prints them.</summary>
    public static string StateName(MemberState state) => state switch
    {
        MemberState.Alive => "alive",
        MemberState.Suspect => "suspect",
        MemberState.Dead => "failed",
        _ => "left",
    };

    public void ProbeFinished(string target, TimeSpan duration, bool acked) =>
        _probeDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("result", acked ? "ack" : "timeout"));

    public void SuspicionStarted(string member) => _suspicions.Add(1);

    public void Refuted() => _refutations.Add(1);

    public void PacketDropped(DropReason reason)
    {
        _drops.AddOrUpdate(reason, 1, (_, count) => count + 1);
        _dropped.Add(1, new KeyValuePair<string, object?>("reason", ReasonName(reason)));
    }

    public void BytesSent(string transport, int bytes) => _bytesSent.Add(bytes, new KeyValuePair<string, object?>("transport", transport));

    public void BytesReceived(string transport, int bytes) => _bytesReceived.Add(bytes, new KeyValuePair<string, object?>("transport", transport));

    public void Dispose()
    {
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }

    private static string ReasonName(DropReason reason) => reason switch
    {
        DropReason.Truncated => "truncated",
        DropReason.Malformed => "malformed",
        DropReason.Oversized => "oversized",
        DropReason.UnknownType => "unknown_type",
        DropReason.Unauthenticated => "unauthenticated",
        DropReason.Replayed => "replayed",
        _ => "wrong_target",
    };
}
