namespace Mesh.Server.Agent.Events;

/// <summary>
/// Consul's user event as /v1/event answers it. <see cref="LTime"/> is the gossip Lamport time, 0 in the answer to
/// the fire (it is stamped when the event goes out); <see cref="Payload"/> is base64 in JSON, null when empty.
/// </summary>
public sealed record UserEvent
{
    public required string ID { get; init; }
    public required string Name { get; init; }
    public byte[]? Payload { get; init; }
    public string NodeFilter { get; init; } = "";
    public string ServiceFilter { get; init; } = "";
    public string TagFilter { get; init; } = "";
    public int Version { get; init; } = 1;
    public ulong LTime { get; init; }
}
