using Mesh.Server.Consensus.Hosting;

namespace Mesh.Server.Tests.Consensus.Hosting;

/// <summary>A trivial state machine: counts commands and remembers the indexes it applied, in order.</summary>
internal sealed class CounterMachine : IRaftStateMachine
{
    private readonly Lock _lock = new();
    private readonly List<ulong> _applied = [];

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

    public void Apply(ulong index, byte[] command)
    {
        lock (_lock)
        {
            if (_applied.Count > 0 && index <= _applied[^1])
            {
                throw new InvalidOperationException($"Applied {index} after {_applied[^1]}.");
            }
            _applied.Add(index);
        }
    }
}
