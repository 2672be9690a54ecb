using Mesh.Server.Consensus;

namespace Mesh.Simulation;

/// <summary>One simulated server: the real core plus the host around it (disk, state machine, client bookkeeping).</summary>
internal sealed class SimNode(int index, string id, SimDisk disk)
{
    public int Index { get; } = index;

    public string Id { get; } = id;

    public SimDisk Disk { get; } = disk;

    public LogMirror Mirror { get; } = new();

    public RaftNode? Raft { get; set; }

    public SimStateMachine Machine { get; set; } = new();

    /// <summary>Bumped at every crash so that events of an earlier life are dropped.</summary>
    public int Incarnation { get; set; }

    public bool Up => Raft is not null;

    /// <summary>Tick period in microseconds; slightly different per server (clock drift).</summary>
    public long TickPeriod { get; set; }

    /// <summary>fsync latency multiplier while the disk is slow.</summary>
    public int DiskSlowness { get; set; } = 1;

    public RaftRole LastRole { get; set; }

    public ulong LastTerm { get; set; }

    public ulong LastCommit { get; set; }

    /// <summary>Proposals this server accepted, by log index: (request, term, command id).</summary>
    public Dictionary<ulong, (long Request, ulong Term, ulong Command)> Proposals { get; } = [];
}
