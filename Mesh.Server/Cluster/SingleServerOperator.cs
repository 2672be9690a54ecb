using Mesh.Server.Config;
using Mesh.Server.Consensus;
using Mesh.Server.State;

namespace Mesh.Server.Cluster;

/// <summary>
/// Dev mode's operator: its one in-memory server is the whole configuration, its only voter and its leader,
/// so there is no peer to remove and nobody to hand leadership to.
/// </summary>
public sealed class SingleServerOperator(AgentConfig config, StateStore store, TimeProvider time) : IRaftOperator
{
    // Dev mode has no Raft terms; its one leadership is the first.
    private const ulong Term = 1;

    private readonly RaftMember _self = new(config.NodeId, $"{config.AdvertiseAddr}:{config.Ports.Server}", MemberRole.Voter);

    public Task<RaftConfigurationReply> ConfigurationAsync(bool stale, CancellationToken cancellationToken = default) =>
        Task.FromResult(new RaftConfigurationReply(
            [new RaftServerReply(_self.Id, config.NodeName, _self.Address, Leader: true, RaftOperator.ProtocolVersion, Voter: true, store.LastIndex)],
            0));

    public Task RemovePeerAsync(RaftPeer peer, CancellationToken cancellationToken = default) =>
        Task.FromException(new RaftOperatorException(peer.Id is { } id
            ? id == _self.Id ? RaftOperator.OnlyVoter(id) : RaftOperator.UnknownId(id)
            : peer.Address == _self.Address ? RaftOperator.OnlyVoter(_self.Id) : RaftOperator.UnknownAddress(peer.Address)));

    /// <summary>Naming the one server asks for nothing to change; there is nobody else.</summary>
    public Task TransferLeadershipAsync(string? id, CancellationToken cancellationToken = default) =>
        id == _self.Id
            ? Task.CompletedTask
            : Task.FromException(new RaftOperatorException(id is null ? RaftOperator.NoOtherVoter : RaftOperator.NoSuchServer(id)));

    public Task<SavedSnapshot> SaveSnapshotAsync(bool stale, CancellationToken cancellationToken = default) =>
        StateSnapshots.SaveAsync(store, Term, new ClusterConfiguration([_self]), time, cancellationToken);
}
