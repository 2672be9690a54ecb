namespace Mesh.Bench;

/// <summary>How fresh a datacenter read must be: Consul's three modes, and etcd's nearest equivalent of each.</summary>
internal enum KvRead
{
    /// <summary>mesh: a plain GET, answered by the leader under its lease; etcd: a linearizable range (its default).</summary>
    Default,

    /// <summary>mesh: <c>?consistent</c>, the leader confirms it still leads with a quorum; etcd: a linearizable range.</summary>
    Consistent,

    /// <summary>mesh: <c>?stale</c>, any server from its own state; etcd: a serializable range.</summary>
    Stale,
}
