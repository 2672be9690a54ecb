using System.Diagnostics.Metrics;

namespace Mesh.Server.Consensus.Hosting;

/// <summary>The Raft instruments on the "mesh.raft" meter: commit latency, applies, leadership, log position, lag.</summary>
internal sealed class RaftMetrics : IDisposable
{
    public const string MeterName = "mesh.raft";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Histogram<double> _commitDuration;
    private readonly Counter<long> _applied;
    private readonly Counter<long> _leaderChanges;
    private readonly Histogram<double> _snapshotDuration;

    public RaftMetrics(IMeterFactory? meterFactory, RaftHost host)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _commitDuration = _meter.CreateHistogram<double>("mesh.raft.commit.duration", "s", "From a proposal on the leader to its entry applied there.");
        _applied = _meter.CreateCounter<long>("mesh.raft.apply", description: "Log entries applied to the state machine.");
        _leaderChanges = _meter.CreateCounter<long>("mesh.raft.leader.changes", description: "Times this server saw the leader change.");
        _snapshotDuration = _meter.CreateHistogram<double>("mesh.raft.snapshot.duration", "s", "Time to write a snapshot of the state machine.");
        _meter.CreateObservableGauge("mesh.raft.term", () => (long)host.Term, description: "The current term.");
        _meter.CreateObservableGauge("mesh.raft.last_index", () => (long)host.LastLogIndex, description: "The last index in the log.");
        _meter.CreateObservableGauge("mesh.raft.commit_index", () => (long)host.CommitIndex, description: "The highest committed index known.");
        _meter.CreateObservableGauge("mesh.raft.applied_index", () => (long)host.AppliedIndex, description: "The last index applied to the state machine.");
        _meter.CreateObservableGauge("mesh.raft.leader", () => host.Role == RaftRole.Leader ? 1 : 0, description: "1 while this server leads.");
        _meter.CreateObservableCounter("mesh.raft.fsyncs", () => host.LogSyncs, description: "fsyncs of the log (fewer than entries: group commit).");
        _meter.CreateObservableGauge("mesh.raft.replication.lag", () => host.ReplicationLag().Select(lag =>
            new Measurement<long>((long)lag.Value, new KeyValuePair<string, object?>("peer", lag.Key))),
            description: "On the leader: entries each follower is behind the leader's log.");
    }

    public void Committed(TimeSpan duration) => _commitDuration.Record(duration.TotalSeconds);

    public void Applied(int entries) => _applied.Add(entries);

    public void LeaderChanged() => _leaderChanges.Add(1);

    public void SnapshotWritten(TimeSpan duration) => _snapshotDuration.Record(duration.TotalSeconds);

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
