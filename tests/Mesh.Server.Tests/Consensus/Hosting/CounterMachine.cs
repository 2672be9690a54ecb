using System.Text.Json;
using Mesh.Server.Consensus.Hosting;

namespace Mesh.Server.Tests.Consensus.Hosting;

/// <summary>A trivial state machine: counts commands and remembers the indexes it applied, in order.</summary>
internal sealed class CounterMachine : IRaftStateMachine
{
    private readonly Lock _lock = new();
    private List<ulong> _applied = [];

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _applied.Count;
            }
        }
    }

    public IReadOnlyList<ulong> Applied
    {
        get
        {
            lock (_lock)
            {
                return [.. _applied];
            }
        }
    }

    /// <summary>How many snapshots replaced the state (installed from the leader or recovered at start).</summary>
    public int Restores { get; private set; }

    public object? Apply(ulong index, byte[] command)
    {
        lock (_lock)
        {
            if (_applied.Count > 0 && index <= _applied[^1])
            {
                throw new InvalidOperationException($"Applied {index} after {_applied[^1]}.");
            }
            _applied.Add(index);
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
        var applied = JsonSerializer.Deserialize<List<ulong>>(snapshot) ?? throw new InvalidDataException("Empty snapshot.");
        lock (_lock)
        {
            _applied = applied;
            Restores++;
        }
    }

    private sealed class Snapshot(List<ulong> applied) : IRaftSnapshot
    {
        public void WriteTo(Stream destination) => JsonSerializer.Serialize(destination, applied);
    }
}
