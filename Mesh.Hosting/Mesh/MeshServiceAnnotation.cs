using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Mesh;

/// <summary>Marks a project as a mesh service: its id, its ports, its client agent and its upstreams.</summary>
internal sealed class MeshServiceAnnotation(MeshDatacenterResource datacenter, string serviceId, int appPort, MeshAgentPorts agent, int sidecarPort, string checkPath)
    : IResourceAnnotation
{
    public MeshDatacenterResource Datacenter { get; } = datacenter;

    public string ServiceId { get; } = serviceId;

    public int AppPort { get; } = appPort;

    public MeshAgentPorts Agent { get; } = agent;

    /// <summary>The sidecar's public (mTLS) port.</summary>
    public int SidecarPort { get; } = sidecarPort;

    public string CheckPath { get; } = checkPath;

    public List<MeshUpstream> Upstreams { get; } = [];
}

/// <summary>A destination service the sidecar listens for on <see cref="LocalBindPort"/>.</summary>
internal sealed record MeshUpstream(string DestinationName, int LocalBindPort);
