namespace Mesh.Server.Agent;

/// <summary>Dev mode's datacenter of one in-memory server: it is the leader, always in contact with itself.</summary>
public sealed class SingleServerStatus(string serverAddress) : IClusterStatus, Cluster.ILeadership
{
    public Task<CancellationToken> WaitForLeadershipAsync(CancellationToken cancellationToken) => Task.FromResult(CancellationToken.None);

    public string Leader => serverAddress;

    public IReadOnlyList<string> Peers { get; } = [serverAddress];

    public bool KnownLeader => true;

    public TimeSpan LastContact => TimeSpan.Zero;
}
