using Mesh.Server.Consensus;

namespace Mesh.Simulation;

/// <summary>
/// Drives a cluster of real <see cref="RaftNode"/> cores on a virtual clock, with a lossy network, crashing
/// disks and a busy client, and checks Raft's invariants after every step. Everything comes from one seeded
/// <see cref="Random"/> and events are ordered by (time, insertion), so a seed replays exactly.
/// </summary>
public sealed partial class ClusterSimulation
{
    private const long Millisecond = 1000;

    private readonly SimulationSettings _settings;
    private readonly Random _random;
    private readonly RaftOptions _options;
    private readonly PriorityQueue<SimEvent, (long Time, long Order)> _events = new();
    private readonly SimNode[] _nodes;
    private readonly Dictionary<string, SimNode> _byId = new(StringComparer.Ordinal);
    private readonly InvariantChecker _checker = new();
    private readonly List<string> _trace = [];
    private long _now;
    private long _order;
    private long _steps;
    private bool _chaos = true;
    private bool _clients = true;
    private int _leaders;
    private int _crashes;
    private int _installs;
    private int _membershipChanges;
    private int _transfers;
    private int _reads;

    private ClusterSimulation(SimulationSettings settings)
    {
        _settings = settings;
        _random = new Random(settings.Seed);
        _options = RandomOptions(_random);
        var founders = Enumerable.Range(1, settings.Nodes).Select(i => $"n{i}").ToList();
        var bootstrap = PersistentState.Bootstrap(
            new ClusterConfiguration(founders.Select(id => new RaftMember(id, id + ":8300", MemberRole.Voter))));
        // Two spare servers start empty: membership changes add them (and remove others).
        _nodes = [.. Enumerable.Range(0, settings.Nodes + 2).Select(i =>
        {
            var disk = new SimDisk();
            if (i < settings.Nodes)
            {
                disk.Seed(bootstrap);
            }
            return new SimNode(i, $"n{i + 1}", disk);
        })];
        foreach (var node in _nodes)
        {
            _byId[node.Id] = node;
            // Clocks drift by up to 1%; leases must hold anyway.
            node.TickPeriod = 10 * Millisecond + _random.Next(-100, 101);
        }
        InitializeNetwork();
    }

    /// <summary>Runs one seed to the end and reports the first violation, if any.</summary>
    public static SimulationResult Run(SimulationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var simulation = new ClusterSimulation(settings);
        string? violation = null;
        try
        {
            simulation.Execute();
        }
        catch (SimulationException e)
        {
            violation = e.Message;
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidDataException or ArgumentException or KeyNotFoundException)
        {
            violation = $"unexpected {e.GetType().Name}: {e.Message}";
        }
        return new SimulationResult(settings, simulation._steps, violation, [.. simulation._trace], simulation.Stats());
    }

    private SimulationStats Stats() => new(
        _checker.AcknowledgedProposals.Count, _leaders, _crashes, _installs, _membershipChanges, _transfers, _reads, _now);

    private static RaftOptions RandomOptions(Random random)
    {
        var preVote = random.Next(10) > 0;
        return new()
        {
            ElectionTicks = 10,
            HeartbeatTicks = random.Next(1, 4),
            LeaseTicks = random.Next(4) switch { 0 => 0, 1 => 3, 2 => 5, _ => 8 },
            PreVote = preVote,
            // Never both off: then a removed server that missed its removal disrupts the cluster forever (thesis §4.2.3).
            CheckQuorum = !preVote || random.Next(10) > 0,
            MaxInflightAppends = random.Next(1, 9),
            MaxEntriesPerAppend = random.Next(1, 17),
            MaxBytesPerAppend = random.Next(64, 4097),
            SnapshotThreshold = (ulong)random.Next(8, 65),
            TrailingLogs = (ulong)random.Next(0, 33),
            SnapshotChunkBytes = random.Next(32, 513),
            CatchUpEntries = (ulong)random.Next(0, 17),
        };
    }

    private void Execute()
    {
        foreach (var node in _nodes)
        {
            Start(node);
        }
        Schedule(Millisecond, new ClientTurn());
        Schedule(20 * Millisecond, new ChaosTurn());
        while (_steps < _settings.Steps)
        {
            RunOne();
        }
        Settle();
    }

    /// <summary>
    /// Ends the chaos: heal everything, restart everyone, let the clients finish, then require that the cluster
    /// converges and that every member applied every acknowledged proposal.
    /// </summary>
    private void Settle()
    {
        _chaos = false;
        HealNetwork();
        foreach (var node in _nodes.Where(n => !n.Up))
        {
            Start(node);
        }
        foreach (var node in _nodes)
        {
            node.DiskSlowness = 1;
        }
        var clientsStop = _now + 300 * Millisecond;
        var deadline = _now + 60_000 * Millisecond;
        while (_now < deadline)
        {
            RunOne();
            if (_clients && _now >= clientsStop)
            {
                _clients = false;
            }
            if (!_clients && _steps % 64 == 0 && Converged())
            {
                CheckEverythingApplied();
                return;
            }
        }
        throw new SimulationException("liveness: the healed cluster did not converge within 60 s of virtual time");
    }

    private bool Converged()
    {
        var leader = _nodes.Where(n => n.Raft?.Role == RaftRole.Leader).MaxBy(n => n.Raft!.Term);
        if (leader?.Raft is not { } raft || raft.CommitIndex < _checker.MaxAcknowledgedIndex || raft.Configuration.Members.Any(m => m.Role == MemberRole.Staging))
        {
            return false;
        }
        return raft.Configuration.Members.All(m => _byId[m.Id].Raft is { } member && member.CommitIndex == raft.CommitIndex && _byId[m.Id].Machine.Index == raft.CommitIndex);
    }

    private void CheckEverythingApplied()
    {
        var leader = _nodes.Where(n => n.Raft?.Role == RaftRole.Leader).MaxBy(n => n.Raft!.Term)!;
        foreach (var member in leader.Raft!.Configuration.Members.Select(m => _byId[m.Id]))
        {
            foreach (var acknowledged in _checker.AcknowledgedProposals)
            {
                if (member.Machine.CommandAt(acknowledged.Index) != acknowledged.Command)
                {
                    throw new SimulationException(
                        $"acknowledged proposal {acknowledged.Command} at {acknowledged.Index} is missing from {member.Id}'s state machine");
                }
            }
        }
    }

    private void Schedule(long delay, SimEvent simEvent) => _events.Enqueue(simEvent, (_now + delay, _order++));

    private void RunOne()
    {
        if (!_events.TryDequeue(out var next, out var at))
        {
            throw new SimulationException("the event queue ran dry");
        }
        _now = at.Time;
        _steps++;
        switch (next)
        {
            case NodeTick tick:
                OnTick(tick);
                break;
            case Deliver deliver:
                OnDeliver(deliver.Message);
                break;
            case PersistSynced synced:
                OnPersistSynced(synced);
                break;
            case SnapshotWritten written:
                OnSnapshotWritten(written);
                break;
            case ChunkRead read:
                if (Alive(read.Node, read.Incarnation) is { } reader)
                {
                    StepNode(reader, read.Chunk);
                }
                break;
            case ApplyDone done:
                if (Alive(done.Node, done.Incarnation) is { } applier)
                {
                    StepNode(applier, new ApplyCompleted(done.Index));
                }
                break;
            case ClientTurn:
                OnClientTurn();
                break;
            case ChaosTurn:
                OnChaosTurn();
                break;
            case Restart restart:
                if (!_nodes[restart.Node].Up)
                {
                    Start(_nodes[restart.Node]);
                }
                break;
            case Kill kill:
                if (Alive(kill.Node, kill.Incarnation) is { } victim)
                {
                    Crash(victim);
                }
                break;
            case Heal heal:
                if (heal.Generation == _partitionGeneration)
                {
                    HealNetwork();
                }
                break;
            case DiskRecovers recovers:
                _nodes[recovers.Node].DiskSlowness = 1;
                break;
        }
    }

    private SimNode? Alive(int node, int incarnation) =>
        _nodes[node] is { Up: true } alive && alive.Incarnation == incarnation ? alive : null;

    private void OnTick(NodeTick tick)
    {
        if (Alive(tick.Node, tick.Incarnation) is not { } node)
        {
            return;
        }
        Schedule(node.TickPeriod, tick);
        StepNode(node, Tick.Instance);
    }

    private void Record(string line)
    {
        if (!_settings.Trace)
        {
            return;
        }
        _trace.Add($"{_now / 1000.0,10:F3}ms {line}");
    }
}
