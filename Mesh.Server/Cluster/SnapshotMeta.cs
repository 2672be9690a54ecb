using System.Globalization;
using Mesh.Server.Consensus;

namespace Mesh.Server.Cluster;

/// <summary>
/// A snapshot's meta.json, in the shape of hashicorp/raft's SnapshotMeta: which state it holds (the index and term
/// of its last change), the Raft configuration then, and the size of state.bin.
/// </summary>
public sealed record SnapshotMeta(
    int Version,
    string ID,
    ulong Index,
    ulong Term,
    SnapshotConfiguration? Configuration,
    ulong ConfigurationIndex,
    long Size)
{
    /// <summary>The format of the archive's contents; Consul's is 1 too.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Raft's snapshot ID: "term-index-milliseconds since the epoch".</summary>
    public static SnapshotMeta For(ulong term, ulong index, ClusterConfiguration configuration, long size, DateTimeOffset taken) => new(
        CurrentVersion,
        string.Create(CultureInfo.InvariantCulture, $"{term}-{index}-{taken.ToUnixTimeMilliseconds()}"),
        index,
        term,
        new SnapshotConfiguration([.. configuration.Members.Select(SnapshotServer.From)]),
        ConfigurationIndex: 0,
        size);
}

/// <summary>The servers of the Raft configuration in the snapshot.</summary>
public sealed record SnapshotConfiguration(IReadOnlyList<SnapshotServer> Servers);

/// <summary>A server with hashicorp/raft's suffrage: 0 voter, 1 non-voter, 2 staging.</summary>
public sealed record SnapshotServer(int Suffrage, string ID, string Address)
{
    public static SnapshotServer From(RaftMember member) => new(
        member.Role switch
        {
            MemberRole.Voter => 0,
            MemberRole.Learner => 1,
            _ => 2,
        },
        member.Id,
        member.Address);
}
