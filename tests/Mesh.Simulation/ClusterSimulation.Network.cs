using Mesh.Server.Consensus;

namespace Mesh.Simulation;

/// <summary>The simulated network: latency, loss, duplication, long delays (reordering) and partitions.</summary>
public sealed partial class ClusterSimulation
{
    private int[] _group = [];
    private int _partitionGeneration;
    private double _dropRate;
    private double _duplicateRate;
    private double _delayRate;

    private void InitializeNetwork() => _group = new int[_nodes.Length];

    private bool Connected(SimNode a, SimNode b) => _group[a.Index] == _group[b.Index];

    private void Transmit(RaftMessage message)
    {
        var from = _byId[message.From];
        var to = _byId[message.To];
        if (!Connected(from, to) || _random.NextDouble() < _dropRate)
        {
            return;
        }
        Schedule(Latency(), new Deliver(message));
        if (_random.NextDouble() < _duplicateRate)
        {
            Schedule(Latency(), new Deliver(message));
        }
    }

    private long Latency() =>
        _random.Next(100, 1000) + (_random.NextDouble() < _delayRate ? _random.Next(1, 40) * Millisecond : 0);

    private void OnDeliver(RaftMessage message)
    {
        var from = _byId[message.From];
        var to = _byId[message.To];
        if (to.Up && Connected(from, to))
        {
            StepNode(to, new Receive(message));
        }
    }

    private void Partition(IEnumerable<SimNode> side, long duration)
    {
        _partitionGeneration++;
        Array.Fill(_group, 0);
        foreach (var node in side)
        {
            _group[node.Index] = 1;
        }
        Record($"PARTITION {string.Join(",", _nodes.Where(n => _group[n.Index] == 1).Select(n => n.Id))} | rest for {duration / Millisecond} ms");
        Schedule(duration, new Heal(_partitionGeneration));
    }

    private void HealNetwork()
    {
        _partitionGeneration++;
        Array.Fill(_group, 0);
        _dropRate = _duplicateRate = _delayRate = 0;
        Record("HEAL network");
    }
}
