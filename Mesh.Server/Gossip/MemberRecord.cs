using System.Net;

namespace Mesh.Server.Gossip;

/// <summary>The core's mutable view of one member.</summary>
internal sealed class MemberRecord(string name, IPEndPoint address, MemberMetadata metadata)
{
    public string Name { get; } = name;

    public IPEndPoint Address { get; set; } = address;

    public MemberMetadata Metadata { get; set; } = metadata;

    public uint Incarnation { get; set; }

    public MemberState State { get; set; } = MemberState.Dead;

    public TimeSpan StateChange { get; set; }

    /// <summary>Set while suspected: Lifeguard's confirmation-aware timer.</summary>
    public Suspicion? Suspicion { get; set; }

    /// <summary>
    /// Dead or left long enough to be dropped from probing, gossip and push-pull (memberlist forgets it then);
    /// kept only so the member list can still show it until its retention ends.
    /// </summary>
    public bool Retired { get; set; }

    public bool DeadOrLeft => State is MemberState.Dead or MemberState.Left;

    public Member Snapshot() => new(Name, Address, Metadata, Incarnation, State);
}
