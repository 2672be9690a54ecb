using Mesh.Server.Config;
using Mesh.Server.Gossip;

namespace Mesh.Server.Agent.Membership;

/// <summary>
/// Membership when gossip is off (<c>ports { serf_lan = -1 }</c>): this agent alone, which is a whole datacenter
/// only if it is a server. User events reach this agent alone.
/// </summary>
public sealed class SoloMembership(AgentConfig config) : IAgentMembership, IUserEventGossip
{
    private readonly Lock _events = new();
    private Action<GossipUserEvent>? _eventHandler;
    // The Lamport clock a pool would keep, starting at 1 as Serf's does.
    private ulong _eventClock = 1;

    private readonly GossipMember _self = new(
        config.NodeName, config.AdvertiseAddr, Math.Max(0, config.Ports.SerfLan), MemberTags.For(config), MemberStatus.Alive);

    public IReadOnlyList<GossipMember> Members() => [_self];

    public string? PickServer() =>
        config.Server ? $"{config.AdvertiseAddr}:{config.Ports.Server}" : null;

    public Task<int> JoinAsync(IReadOnlyList<string> addresses, CancellationToken cancellationToken = default) =>
        throw AgentException.BadRequest("Gossip is disabled on this agent (ports.serf_lan = -1): there is no pool to join");

    public Task ForceLeaveAsync(string node, CancellationToken cancellationToken = default) =>
        throw AgentException.BadRequest("Gossip is disabled on this agent (ports.serf_lan = -1)");

    public Task LeaveAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>Without gossip there is no encryption: this agent answers as a member without a keyring.</summary>
    public Task<KeyringResponse> KeyringAsync(KeyringOperation operation, string? key, int relayFactor, CancellationToken cancellationToken = default) =>
        Task.FromResult(KeyringResponse.EncryptionDisabled(config.NodeName, operation));

    public void FireUserEvent(string name, byte[] payload)
    {
        GossipNode.CheckUserEvent(name, payload.Length);
        lock (_events)
        {
            _eventHandler?.Invoke(new GossipUserEvent(name, payload, _eventClock++));
        }
    }

    public void HandleUserEvents(Action<GossipUserEvent> handler)
    {
        lock (_events)
        {
            _eventHandler = handler;
        }
    }
}
