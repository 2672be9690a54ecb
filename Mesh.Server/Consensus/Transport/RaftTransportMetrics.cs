using System.Diagnostics.Metrics;

namespace Mesh.Server.Consensus.Transport;

/// <summary>The transport's instruments on the "mesh.raft" meter.</summary>
internal sealed class RaftTransportMetrics : IDisposable
{
    public const string MeterName = "mesh.raft";

    private static readonly KeyValuePair<string, object?> QueueFull = new("reason", "queue_full");
    private static readonly KeyValuePair<string, object?> SendFailed = new("reason", "send_failed");

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _sent;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _reconnects;

    public RaftTransportMetrics(IMeterFactory? meterFactory)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _sent = _meter.CreateCounter<long>("mesh.raft.transport.sent", "{message}", "Messages written to a peer's stream.");
        _dropped = _meter.CreateCounter<long>("mesh.raft.transport.dropped", "{message}", "Messages dropped before reaching a peer, by reason.");
        _reconnects = _meter.CreateCounter<long>("mesh.raft.transport.reconnects", "{stream}", "Streams to a peer reopened after a failure.");
    }

    public void Sent(int messages) => _sent.Add(messages);

    /// <summary>The peer's queue was full: its oldest message made room.</summary>
    public void DroppedQueueFull() => _dropped.Add(1, QueueFull);

    /// <summary>A write failed: the messages it carried are lost (Raft retries).</summary>
    public void DroppedSendFailed(int messages) => _dropped.Add(messages, SendFailed);

    public void Reconnected() => _reconnects.Add(1);

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
