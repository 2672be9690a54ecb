namespace Mesh.Server.Tests.Datacenter;

/// <summary>
/// The datacenter classes each run several server processes; run one at a time, they do not starve each
/// other's elections and heartbeats on a two-core machine.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DatacenterCollection
{
    public const string Name = "Datacenter";
}
