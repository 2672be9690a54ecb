using System.Net;
using Mesh.Server.Gossip;

namespace Mesh.Gossip.Simulation;

/// <summary>One simulated process: a protocol core plus what the network and scheduler know about it.</summary>
public sealed class SimMember(GossipNode core, SimObserver observer)
{
    public GossipNode Core { get; } = core;

    public SimObserver Observer { get; } = observer;

    public string Name => Core.Name;

    public IPEndPoint Address => Core.Address;

    /// <summary>False once killed: it neither sends nor receives, and streams to it are refused.</summary>
    public bool Up { get; set; } = true;

    /// <summary>While paused (SIGSTOP) inputs queue up and are handled on resume.</summary>
    public TimeSpan PausedUntil { get; set; }

    /// <summary>Extra time before this member handles anything it receives (a slow, overloaded process).</summary>
    public TimeSpan ProcessingDelay { get; set; }

    /// <summary>When its pending tick is scheduled; MaxValue when none.</summary>
    public TimeSpan ScheduledTick { get; set; } = TimeSpan.MaxValue;

    public MemberState? StateOf(string name) => Core.Find(name)?.State;
}

/// <summary>Counts what the core reports through its telemetry hooks.</summary>
public sealed class SimObserver : IGossipObserver
{
    public int Suspicions { get; private set; }

    public int Refutations { get; private set; }

    public int ProbesFailed { get; private set; }

    public int ProbesAcked { get; private set; }

    public Dictionary<DropReason, int> Drops { get; } = [];

    public void ProbeFinished(string target, TimeSpan duration, bool acked)
    {
        if (acked)
        {
            ProbesAcked++;
        }
        else
        {
            ProbesFailed++;
        }
    }

    public void SuspicionStarted(string member) => Suspicions++;

    public void Refuted() => Refutations++;

    public void PacketDropped(DropReason reason) => Drops[reason] = Drops.GetValueOrDefault(reason) + 1;
}
