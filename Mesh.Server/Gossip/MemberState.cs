namespace Mesh.Server.Gossip;

/// <summary>A member's state as this node believes it (memberlist's alive/suspect/dead/left).</summary>
public enum MemberState : byte
{
    Alive = 0,
    Suspect = 1,
    Dead = 2,
    Left = 3,
}
