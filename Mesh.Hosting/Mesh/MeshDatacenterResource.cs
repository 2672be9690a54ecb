using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Mesh;

/// <summary>
/// A mesh datacenter: its server agents (project resources, children of this one), the client agents and sidecars of
/// its services, and the intentions it applies once it has a leader. Its state is derived from its servers.
/// </summary>
public sealed class MeshDatacenterResource : Resource
{
    internal MeshDatacenterResource(string name, MeshProjects projects)
        : base(name)
    {
        Projects = projects;
        RunDirectory = Path.Combine(Path.GetTempPath(), "mesh-aspire", $"{name}-{Guid.NewGuid():N}");
        SnapshotDirectory = Path.Combine(Path.GetTempPath(), "mesh-aspire", "snapshots");
    }

    internal MeshProjects Projects { get; }

    /// <summary>Data directories and service definitions of this run: a fresh folder under the temp directory.</summary>
    internal string RunDirectory { get; }

    /// <summary>Where the snapshot command saves: outside the run's folder, which is deleted when the app host stops.</summary>
    public string SnapshotDirectory { get; }

    public IReadOnlyList<MeshServer> Servers => _servers;

    public IReadOnlyList<MeshIntention> Intentions => _intentions;

    internal List<string> ConfigDirectories { get; } = [];

    private readonly List<MeshServer> _servers = [];
    private readonly List<MeshIntention> _intentions = [];

    internal void Add(MeshServer server) => _servers.Add(server);

    internal void Add(MeshIntention intention) => _intentions.Add(intention);

    /// <summary>Every server's gossip address: what servers and client agents -retry-join.</summary>
    internal IEnumerable<string> JoinAddresses => _servers.Select(s => s.Ports.SerfAddress);
}

/// <summary>One server agent of a datacenter.</summary>
public sealed record MeshServer(ProjectResource Resource, MeshAgentPorts Ports, string DataDirectory);

/// <summary>An intention the datacenter writes once it has a leader; the dashboard's commands flip it.</summary>
public sealed record MeshIntention(string Source, string Destination, bool Allow);

/// <summary>
/// Adds the mesh agent and sidecar projects by their generated metadata types, so Aspire runs them as the app host
/// built them (by path, each would be rebuilt, concurrently, at every start).
/// </summary>
internal sealed record MeshProjects(
    Func<IDistributedApplicationBuilder, string, IResourceBuilder<ProjectResource>> AddAgent,
    Func<IDistributedApplicationBuilder, string, IResourceBuilder<ProjectResource>> AddSidecar);
