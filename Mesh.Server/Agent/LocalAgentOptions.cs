using Mesh.Server.Config;

namespace Mesh.Server.Agent;

/// <summary>What the local agent needs of the resolved configuration.</summary>
public sealed record LocalAgentOptions
{
    public required string NodeName { get; init; }
    public required string NodeId { get; init; }
    public required string Datacenter { get; init; }
    /// <summary>The address the node advertises and is registered with.</summary>
    public required string Address { get; init; }
    public bool IsServer { get; init; }
    public int ServerPort { get; init; } = 8300;
    public int SerfLanPort { get; init; } = 8301;
    public bool EnableScriptChecks { get; init; }
    public bool EnableLocalScriptChecks { get; init; }
    public int SidecarMinPort { get; init; } = 21000;
    public int SidecarMaxPort { get; init; } = 21255;
    public IReadOnlyDictionary<string, string> NodeMeta { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, object?> SelfConfig { get; init; } = new Dictionary<string, object?>();

    public static LocalAgentOptions From(AgentConfig config) => new()
    {
        NodeName = config.NodeName,
        NodeId = config.NodeId,
        Datacenter = config.Datacenter,
        Address = config.AdvertiseAddr,
        IsServer = config.Server,
        ServerPort = config.Ports.Server,
        SerfLanPort = config.Ports.SerfLan,
        EnableScriptChecks = config.EnableScriptChecks,
        EnableLocalScriptChecks = config.EnableLocalScriptChecks,
        SidecarMinPort = config.Ports.SidecarMinPort,
        SidecarMaxPort = config.Ports.SidecarMaxPort,
        NodeMeta = config.NodeMeta,
        SelfConfig = new Dictionary<string, object?>
        {
            ["Datacenter"] = config.Datacenter,
            ["PrimaryDatacenter"] = config.Datacenter,
            ["NodeName"] = config.NodeName,
            ["NodeID"] = config.NodeId,
            ["Server"] = config.Server,
            ["Revision"] = "meshaspire",
            ["Version"] = AgentVersion.Version,
            ["BindAddr"] = config.BindAddr,
            ["AdvertiseAddrLAN"] = config.AdvertiseAddr,
            ["ClientAddrs"] = config.ClientAddr.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            ["DataDir"] = config.DataDir ?? "",
            ["DevMode"] = config.Dev,
            ["Ports"] = new Dictionary<string, object?>
            {
                ["HTTP"] = config.Ports.Http,
                ["DNS"] = config.Ports.Dns,
                ["Server"] = config.Ports.Server,
                ["SerfLan"] = config.Ports.SerfLan,
                ["GRPC"] = config.Ports.Grpc,
            },
        },
    };
}
