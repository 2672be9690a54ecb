namespace Mesh.Server.Cluster;

/// <summary>
/// Operations on the datacenter's Raft (/v1/operator/raft/*) and snapshots of its state (/v1/snapshot), wherever
/// this agent stands: a Raft server answers or forwards to its leader, dev mode's single server answers for itself,
/// a client agent asks a server. Refusals are <see cref="RaftOperatorException"/>s; no leader within the hold
/// timeout is a <see cref="Rpc.NoServerException"/> ("No cluster leader").
/// </summary>
public interface IRaftOperator
{
    /// <summary>The servers in the Raft configuration; <paramref name="stale"/> lets any server answer without a leader.</summary>
    Task<RaftConfigurationReply> ConfigurationAsync(bool stale, CancellationToken cancellationToken = default);

    /// <summary>Removes the server with this ID, or else at this address, from the Raft configuration.</summary>
    Task RemovePeerAsync(RaftPeer peer, CancellationToken cancellationToken = default);

    /// <summary>Hands leadership to the server with this ID, or to the most up-to-date voter when null.</summary>
    Task TransferLeadershipAsync(string? id, CancellationToken cancellationToken = default);

    /// <summary>The whole state as a snapshot archive; without <paramref name="stale"/> the leader takes it, up to date.</summary>
    Task<SavedSnapshot> SaveSnapshotAsync(bool stale, CancellationToken cancellationToken = default);
}

/// <summary>Consul's structs.RaftConfigurationResponse (GET /v1/operator/raft/configuration).</summary>
public sealed record RaftConfigurationReply(IReadOnlyList<RaftServerReply> Servers, ulong Index);

/// <summary>
/// One server of the configuration, as Consul's structs.RaftServer: its node name from gossip ("(unknown)" when
/// gossip does not know it) and <see cref="LastIndex"/>, the last log index the leader knows it holds.
/// </summary>
public sealed record RaftServerReply(string ID, string Node, string Address, bool Leader, string ProtocolVersion, bool Voter, ulong LastIndex);

/// <summary>Which peer to remove: by Raft ID (Consul's ?id=) or by address (?address=); exactly one is set.</summary>
public sealed record RaftPeer(string? Id, string? Address);

/// <summary>A saved snapshot archive and the index of the state it holds (X-Consul-Index).</summary>
public sealed record SavedSnapshot(ulong Index, byte[] Archive);
