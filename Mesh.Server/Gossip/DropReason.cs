namespace Mesh.Server.Gossip;

/// <summary>Why an incoming packet or stream was dropped; each is counted (<c>mesh.gossip.packets.dropped</c>).</summary>
public enum DropReason
{
    /// <summary>The input ended before a field it announced.</summary>
    Truncated,

    /// <summary>A field held an impossible value, or bytes followed the last message.</summary>
    Malformed,

    /// <summary>Larger than the packet or stream size limit, or a collection larger than allowed.</summary>
    Oversized,

    /// <summary>An unknown message type or wire version.</summary>
    UnknownType,

    /// <summary>Encrypted with no installed key, or not encrypted at all while a keyring is in use.</summary>
    Unauthenticated,

    /// <summary>An authenticated packet seen before, or with a timestamp outside the replay window.</summary>
    Replayed,

    /// <summary>A ping meant for another node name (the address was reused).</summary>
    WrongTarget,
}
