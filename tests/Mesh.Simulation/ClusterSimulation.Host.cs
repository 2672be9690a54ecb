using Mesh.Server.Consensus;

namespace Mesh.Simulation;

/// <summary>The host side: carries out each action of a core the way the real host will, on simulated devices.</summary>
public sealed partial class ClusterSimulation
{
    private void Start(SimNode node)
    {
        var state = node.Disk.Recover();
        node.Machine = node.Disk.Newest is { } snapshot ? SimStateMachine.Deserialize(snapshot.Data) : new SimStateMachine();
        node.Raft = new RaftNode(node.Id, _options, state, new Random(_random.Next()));
        node.LastRole = RaftRole.Follower;
        node.LastTerm = node.Raft.Term;
        node.LastCommit = node.Raft.CommitIndex;
        node.Mirror.Sync(node.Raft.Log, _checker, node.Id);
        Record($"{node.Id} starts: term {state.HardState.Term}, vote {state.HardState.VotedFor}, {state.Snapshot}, log {node.Raft.Log.BaseIndex}..{node.Raft.Log.LastIndex}");
        // A random phase, so servers do not tick in lockstep.
        Schedule(_random.Next(1, (int)node.TickPeriod), new NodeTick(node.Index, node.Incarnation));
    }

    private void Crash(SimNode node)
    {
        Record($"{node.Id} CRASHES");
        _crashes++;
        node.Disk.Crash(_random);
        node.Raft = null;
        node.Incarnation++;
        node.Proposals.Clear();
        Schedule(_random.Next(1, 300) * Millisecond, new Restart(node.Index));
    }

    private void StepNode(SimNode node, RaftEvent raftEvent)
    {
        var raft = node.Raft!;
        if (_settings.Trace && raftEvent is not Tick)
        {
            Record($"{node.Id} <- {raftEvent}");
        }
        var actions = raft.Step(raftEvent);
        // The core's state after the step is final: check it before the host acts (and acknowledges) on it.
        Check(node);
        foreach (var action in actions)
        {
            if (_settings.Trace)
            {
                Record($"{node.Id} -> {action}");
            }
            Carry(node, action);
        }
    }

    private void Check(SimNode node)
    {
        var raft = node.Raft!;
        node.Mirror.Sync(raft.Log, _checker, node.Id);
        if (raft.CommitIndex != node.LastCommit || raft.Role == RaftRole.Leader)
        {
            if (_settings.Trace && raft.CommitIndex != node.LastCommit)
            {
                Record($"{node.Id} commit {node.LastCommit} -> {raft.CommitIndex} (term {raft.Term}, {raft.Role})");
            }
            _checker.OnCommit(node.Id, raft.CommitIndex, node.Mirror, raft.Role == RaftRole.Leader, raft.Term);
            node.LastCommit = raft.CommitIndex;
        }
        if (raft.Role == RaftRole.Leader)
        {
            _checker.OnLeader(node.Id, raft.Term);
            if (node.LastRole != RaftRole.Leader || node.LastTerm != raft.Term)
            {
                _leaders++;
                _checker.OnBecameLeader(node.Id, raft.Term, node.Mirror);
            }
        }
        node.LastRole = raft.Role;
        node.LastTerm = raft.Term;
    }

    private void Carry(SimNode node, RaftAction action)
    {
        switch (action)
        {
            case Send send:
                Transmit(send.Message);
                break;
            case Persist persist:
                node.Disk.Write(persist);
                var latency = FsyncLatency(node);
                Schedule(latency, new PersistSynced(node.Index, node.Incarnation, persist.Sequence));
                if (persist.ResetToSnapshot is not null && _chaos && _random.Next(3) == 0)
                {
                    // A snapshot install is two writes on a real disk; power loss between them is worth aiming at.
                    Schedule(_random.NextInt64(latency + 1), new Kill(node.Index, node.Incarnation));
                }
                break;
            case SaveSnapshotChunk chunk:
                node.Disk.Write(chunk);
                break;
            case CompactLog compact:
                node.Disk.Write(compact);
                break;
            case ApplyEntries apply:
                Apply(node, apply.Entries);
                break;
            case RestoreSnapshot restore:
                Restore(node, restore.Snapshot);
                break;
            case TakeSnapshot take:
                if (node.Machine.Index != take.Snapshot.Index)
                {
                    throw new SimulationException($"{node.Id} asked for a snapshot at {take.Snapshot.Index} with the state machine at {node.Machine.Index}");
                }
                Schedule(FsyncLatency(node), new SnapshotWritten(node.Index, node.Incarnation, take.Snapshot, node.Machine.Serialize()));
                break;
            case ReadSnapshotChunk read:
                ReadChunk(node, read);
                break;
            case ProposalAccepted accepted:
                if (_proposals.Remove(accepted.RequestId, out var command))
                {
                    node.Proposals[accepted.Index] = (accepted.RequestId, accepted.Term, command);
                }
                break;
            case RequestRejected rejected:
                _proposals.Remove(rejected.RequestId);
                _readRequests.Remove(rejected.RequestId);
                break;
            case ReadReady ready:
                if (_readRequests.Remove(ready.RequestId, out var pending))
                {
                    _reads++;
                    InvariantChecker.OnReadReady(node.Id, ready.Index, pending.AcknowledgedBefore, pending.Lease);
                }
                break;
            case RoleChanged:
                break;
        }
    }

    private void ReadChunk(SimNode node, ReadSnapshotChunk read)
    {
        var data = node.Disk.SnapshotData(read.Snapshot)
            ?? throw new SimulationException($"{node.Id} reads {read.Snapshot}, which it does not keep");
        var length = (int)Math.Min(read.MaxBytes, data.Length - read.Offset);
        var chunk = data.AsSpan((int)read.Offset, length).ToArray();
        var last = read.Offset + length == data.Length;
        Schedule(_random.Next(10, 200), new ChunkRead(node.Index, node.Incarnation,
            new SnapshotChunkRead(read.Peer, read.Snapshot.Index, read.Offset, chunk, last)));
    }

    private long FsyncLatency(SimNode node) => _random.Next(50, 2000) * (long)node.DiskSlowness;

    private void OnPersistSynced(PersistSynced synced)
    {
        if (Alive(synced.Node, synced.Incarnation) is not { } node)
        {
            return;
        }
        node.Disk.SyncThrough(synced.Sequence);
        StepNode(node, new PersistCompleted(synced.Sequence));
    }

    private void OnSnapshotWritten(SnapshotWritten written)
    {
        if (Alive(written.Node, written.Incarnation) is not { } node)
        {
            return;
        }
        node.Disk.StoreSnapshot(written.Snapshot, written.Data);
        StepNode(node, new SnapshotTaken(written.Snapshot));
    }

    private void Apply(SimNode node, IReadOnlyList<LogEntry> entries)
    {
        foreach (var entry in entries)
        {
            node.Machine.Apply(entry);
            _checker.OnApply(node.Id, entry);
            if (node.Proposals.Remove(entry.Index, out var proposal)
                && proposal.Term == entry.Term
                && entry.Kind == EntryKind.Command
                && SimStateMachine.CommandId(entry) == proposal.Command)
            {
                // The client hears "success" now.
                _checker.OnAcknowledged(node.Id, entry);
            }
        }
        Schedule(_random.Next(1, 100), new ApplyDone(node.Index, node.Incarnation, node.Machine.Index));
    }

    private void Restore(SimNode node, SnapshotMetadata snapshot)
    {
        _installs++;
        var data = node.Disk.SnapshotData(snapshot)
            ?? throw new SimulationException($"{node.Id} restores {snapshot}, which is not on its disk");
        node.Machine = SimStateMachine.Deserialize(data);
        _checker.OnRestore(node.Id, node.Machine);
        // Proposals covered by the snapshot: the client cannot tell whether they won; it gets no answer.
        foreach (var index in node.Proposals.Keys.Where(i => i <= snapshot.Index).ToList())
        {
            node.Proposals.Remove(index);
        }
        Schedule(_random.Next(1, 100), new ApplyDone(node.Index, node.Incarnation, node.Machine.Index));
    }
}
