using System.Net;

namespace Mesh.Server.Gossip;

/// <summary>A snapshot of one member as this node sees it.</summary>
public sealed record Member(string Name, IPEndPoint Address, MemberMetadata Metadata, uint Incarnation, MemberState State);

/// <summary>What changed about a member.</summary>
public enum MemberEventKind
{
    /// <summary>First seen, or alive again after it failed or left.</summary>
    Joined,

    /// <summary>Its metadata changed.</summary>
    Updated,

    /// <summary>A probe failed; it is suspected and will be declared failed unless it refutes.</summary>
    Suspected,

    /// <summary>It refuted a suspicion and is alive.</summary>
    Recovered,

    /// <summary>Declared dead by the failure detector.</summary>
    Failed,

    /// <summary>Left gracefully.</summary>
    Left,

    /// <summary>Forgotten after the retention of failed or left members.</summary>
    Removed,
}

public sealed record MemberEvent(MemberEventKind Kind, Member Member);
