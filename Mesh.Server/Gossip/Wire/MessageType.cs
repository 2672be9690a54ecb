namespace Mesh.Server.Gossip;

/// <summary>The first byte of every gossip message.</summary>
internal enum MessageType : byte
{
    Ping = 1,
    PingReq = 2,
    Ack = 3,
    Nack = 4,
    Suspect = 5,
    Alive = 6,
    Dead = 7,
    PushPull = 8,
    Compound = 9,
    Query = 10,
    QueryResponse = 11,
    Relay = 12,
    UserEvent = 13,
}
