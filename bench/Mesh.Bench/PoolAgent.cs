namespace Mesh.Bench;

/// <summary>One agent of the real gossip pool: its node name, its process, its gossip port, and whether the harness has killed it.</summary>
internal sealed class PoolAgent(string node, AgentProcess agent, int serfPort)
{
    public string Node { get; } = node;

    public AgentProcess Agent { get; } = agent;

    public int SerfPort { get; } = serfPort;

    public bool Up { get; set; } = true;
}
