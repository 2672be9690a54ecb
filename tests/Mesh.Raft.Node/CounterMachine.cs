using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using Mesh.Server.Consensus.Hosting;

namespace Mesh.Raft.Node;

/// <summary>
/// The replicated counter: every command is a client-chosen id, counted once per log entry and remembered with its
/// index, so a checker can tell a lost increment from one applied twice. Snapshots hold the whole list.
/// </summary>
internal sealed class CounterMachine : IRaftStateMachine
{
    private readonly Lock _lock = new();
    private List<AppliedId> _applied = [];
    private ulong _hash;
    private int _restores;

    /// <summary>How many snapshots replaced the state: recovered at start, or installed from the leader.</summary>
    public int Restores => Volatile.Read(ref _restores);

    public object? Apply(ulong index, byte[] command)
    {
        var id = Encoding.UTF8.GetString(command);
        lock (_lock)
        {
            // The host applies in log order, once; anything else is the bug this node exists to catch.
            if (_applied.Count > 0 && index <= _applied[^1].Index)
            {
                throw new InvalidOperationException($"Entry {index} applied after entry {_applied[^1].Index}.");
            }
            _applied.Add(new AppliedId(index, id));
            _hash = Chain(_hash, command);
            return _applied.Count;
        }
    }

    public IRaftSnapshot Capture()
    {
        lock (_lock)
        {
            return new Snapshot([.. _applied]);
        }
    }

    public void Restore(Stream snapshot)
    {
        var applied = JsonSerializer.Deserialize(snapshot, NodeJson.Default.ListAppliedId)
            ?? throw new InvalidDataException("The snapshot holds no list of ids.");
        var hash = applied.Aggregate(0UL, (h, entry) => Chain(h, Encoding.UTF8.GetBytes(entry.Id)));
        lock (_lock)
        {
            _applied = applied;
            _hash = hash;
        }
        Interlocked.Increment(ref _restores);
    }

    /// <summary>The count and an order-sensitive hash of every applied id, as of now.</summary>
    public CounterValue Value()
    {
        lock (_lock)
        {
            return new CounterValue(_applied.Count, _applied.Count == 0 ? 0 : _applied[^1].Index, _hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    public AppliedId[] Entries()
    {
        lock (_lock)
        {
            return [.. _applied];
        }
    }

    private static ulong Chain(ulong hash, byte[] id) => XxHash64.HashToUInt64(id, unchecked((long)hash));

    private sealed class Snapshot(AppliedId[] applied) : IRaftSnapshot
    {
        public void WriteTo(Stream destination) => JsonSerializer.Serialize(destination, applied, NodeJson.Default.AppliedIdArray);
    }
}
