namespace Mesh.Server.Agent;

/// <summary>A member of the LAN pool as /v1/agent/members shows it.</summary>
public sealed record GossipMember(
    string Name,
    string Addr,
    int Port,
    IReadOnlyDictionary<string, string> Tags,
    MemberStatus Status,
    int ProtocolMin = 1,
    int ProtocolMax = 5,
    int ProtocolCur = 2,
    int DelegateMin = 2,
    int DelegateMax = 5,
    int DelegateCur = 4);

/// <summary>Serf's member status numbers, as Consul's API reports them.</summary>
public enum MemberStatus
{
    None = 0,
    Alive = 1,
    Leaving = 2,
    Left = 3,
    Failed = 4,
}
