using System.Buffers.Binary;
using Mesh.Server.Consensus;

namespace Mesh.Server.Tests.Consensus;

/// <summary>
/// A few cores wired together synchronously: messages go into one queue delivered by <see cref="Deliver"/>,
/// persists complete at once unless a server's disk is held, applies and snapshots are carried out in memory.
/// </summary>
internal sealed class TestCluster
{
    private readonly RaftOptions _options;
    private readonly Dictionary<string, RaftNode> _nodes = new(StringComparer.Ordinal);
    private readonly List<RaftMessage> _network = [];
    private readonly HashSet<string> _isolated = new(StringComparer.Ordinal);
    private readonly HashSet<string> _heldDisks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<ulong>> _heldPersists = [];
    private readonly Dictionary<string, Dictionary<ulong, byte[]>> _snapshots = [];
    private readonly Dictionary<string, List<byte>> _staging = [];
    private long _requests;

    public TestCluster(RaftOptions options, params string[] voters)
    {
        _options = options;
        var bootstrap = PersistentState.Bootstrap(RaftTestKit.Voters(voters));
        foreach (var id in voters)
        {
            Add(id, bootstrap);
        }
    }

    public RaftNode this[string id] => _nodes[id];

    /// <summary>Commands applied by each server, in order.</summary>
    public Dictionary<string, List<LogEntry>> Applied { get; } = [];

    /// <summary>Every action except sends, per server, in order.</summary>
    public Dictionary<string, List<RaftAction>> Actions { get; } = [];

    public List<RaftMessage> Delivered { get; } = [];

    public string? Leader => _nodes.Values.Where(n => n.Role == RaftRole.Leader).MaxBy(n => n.Term)?.Id;

    /// <summary>Starts a server that has never run (to be added by a membership change).</summary>
    public void AddEmpty(string id) => Add(id, PersistentState.Empty);

    private void Add(string id, PersistentState state)
    {
        _nodes[id] = new RaftNode(id, _options, state, new Random(id.Sum(c => c)));
        Applied[id] = [];
        Actions[id] = [];
        _snapshots[id] = [];
        _staging[id] = [];
    }

    public void Step(string id, RaftEvent raftEvent)
    {
        foreach (var action in _nodes[id].Step(raftEvent))
        {
            Carry(id, action);
        }
    }

    private void Carry(string id, RaftAction action)
    {
        if (action is Send send)
        {
            _network.Add(send.Message);
            return;
        }
        Actions[id].Add(action);
        switch (action)
        {
            case Persist persist when _heldDisks.Contains(id):
                _heldPersists.TryAdd(id, []);
                _heldPersists[id].Add(persist.Sequence);
                break;
            case Persist persist:
                if (persist.ResetToSnapshot is { } reset && _staging[id].Count > 0)
                {
                    _snapshots[id][reset.Index] = [.. _staging[id]];
                    _staging[id].Clear();
                }
                Step(id, new PersistCompleted(persist.Sequence));
                break;
            case ApplyEntries apply:
                Applied[id].AddRange(apply.Entries.Where(e => e.Kind == EntryKind.Command));
                Step(id, new ApplyCompleted(apply.Entries[^1].Index));
                break;
            case TakeSnapshot take:
                // The snapshot is the applied commands, as bytes: enough to travel in several chunks.
                var data = Applied[id].SelectMany(e => e.Data).ToArray();
                _snapshots[id][take.Snapshot.Index] = data;
                Step(id, new SnapshotTaken(take.Snapshot));
                break;
            case ReadSnapshotChunk read:
                var whole = _snapshots[id][read.Snapshot.Index];
                var length = (int)Math.Min(read.MaxBytes, whole.Length - read.Offset);
                Step(id, new SnapshotChunkRead(read.Peer, read.Snapshot.Index, read.Offset,
                    whole.AsSpan((int)read.Offset, length).ToArray(), read.Offset + length == whole.Length));
                break;
            case SaveSnapshotChunk chunk:
                if (chunk.Offset == 0)
                {
                    _staging[id].Clear();
                }
                _staging[id].AddRange(chunk.Data);
                break;
            case RestoreSnapshot restore:
                Applied[id] = [.. _snapshots[id][restore.Snapshot.Index].Chunk(8).Select(c => new LogEntry(0, 0, EntryKind.Command, c))];
                Step(id, new ApplyCompleted(restore.Snapshot.Index));
                break;
        }
    }

    /// <summary>Delivers messages (and whatever they cause) until the network is quiet.</summary>
    public void Deliver(Func<RaftMessage, bool>? drop = null)
    {
        for (var round = 0; round < 10_000 && _network.Count > 0; round++)
        {
            var batch = _network.ToList();
            _network.Clear();
            foreach (var message in batch)
            {
                if (_isolated.Contains(message.From) || _isolated.Contains(message.To) || drop?.Invoke(message) == true
                    || !_nodes.ContainsKey(message.To))
                {
                    continue;
                }
                Delivered.Add(message);
                Step(message.To, new Receive(message));
            }
        }
    }

    public void Tick(string id, int ticks = 1)
    {
        for (var i = 0; i < ticks; i++)
        {
            Step(id, Mesh.Server.Consensus.Tick.Instance);
            Deliver();
        }
    }

    public void TickAll(int ticks = 1)
    {
        for (var i = 0; i < ticks; i++)
        {
            foreach (var id in _nodes.Keys.ToList())
            {
                Step(id, Mesh.Server.Consensus.Tick.Instance);
            }
            Deliver();
        }
    }

    /// <summary>Makes <paramref name="id"/> leader at once (a TimeoutNow, as a transfer would).</summary>
    public void Elect(string id)
    {
        var node = _nodes[id];
        Step(id, new Receive(new TimeoutNowRequest(_nodes.Keys.First(k => k != id), id, node.Term)));
        Deliver();
        Assert.Equal(RaftRole.Leader, node.Role);
    }

    public long Propose(string id, ulong command)
    {
        var data = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(data, command);
        var request = ++_requests;
        Step(id, new Propose(request, data));
        return request;
    }

    public long NextRequest() => ++_requests;

    public void Isolate(string id) => _isolated.Add(id);

    public void Heal() => _isolated.Clear();

    public void HoldDisk(string id) => _heldDisks.Add(id);

    /// <summary>Lets a held disk finish every write it was given.</summary>
    public void ReleaseDisk(string id)
    {
        _heldDisks.Remove(id);
        foreach (var sequence in _heldPersists.GetValueOrDefault(id, []).ToList())
        {
            _heldPersists[id].Remove(sequence);
            Step(id, new PersistCompleted(sequence));
        }
    }

    public static ulong CommandOf(LogEntry entry) => BinaryPrimitives.ReadUInt64LittleEndian(entry.Data);
}
