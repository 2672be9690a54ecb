namespace Mesh.Server.Agent;

/// <summary>A datacenter of one server: it is the leader, always in contact with itself.</summary>
public sealed class SingleServerStatus(string serverAddress) : IClusterStatus
{
    public string Leader => serverAddress;

    public IReadOnlyList<string> Peers { get; } = [serverAddress];

    public bool KnownLeader => true;

    public TimeSpan LastContact => TimeSpan.Zero;
}
