namespace Mesh.Server.Agent;

/// <summary>The version this agent reports (members' build tag, /v1/agent/self, `mesh version`).</summary>
public static class AgentVersion
{
    public const string Version = "0.1.0";

    /// <summary>Consul's build tag format ("1.20.0:abcdef").</summary>
    public const string Build = Version + ":meshaspire";
}
