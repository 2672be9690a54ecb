namespace Mesh.Server.Cluster;

/// <summary>Whether this server leads its datacenter, for leader-only work.</summary>
public interface ILeadership
{
    /// <summary>Completes once this server leads, with a token cancelled when it stops leading.</summary>
    Task<CancellationToken> WaitForLeadershipAsync(CancellationToken cancellationToken);
}
