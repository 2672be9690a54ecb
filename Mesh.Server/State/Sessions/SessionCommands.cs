namespace Mesh.Server.State.Sessions;

/// <summary>
/// Creates <paramref name="Session"/> (its ID chosen by the proposer, as Consul's leader does before the Raft apply).
/// Refused when its node or one of its checks is missing, or a check is critical.
/// </summary>
public sealed record SessionCreate(SessionEntry Session) : StateCommand;

/// <summary>Destroys a session (explicitly, or on TTL expiry), releasing or deleting its keys; unknown IDs succeed.</summary>
public sealed record SessionDestroy(string ID) : StateCommand;

/// <summary>Renews a TTL session: the leader restarts its timer. Not succeeded when the session is unknown.</summary>
public sealed record SessionRenew(string ID) : StateCommand;

/// <summary>
/// PUT /v1/kv/:key?acquire=: takes the key's lock for <paramref name="Session"/> and writes the value.
/// <paramref name="ReleasedAt"/> is the key's last invalidation release the proposer's lock-delay check saw: a release
/// applied since (whose lock delay that check could not see) refuses the lock.
/// </summary>
public sealed record KvLock(string Key, byte[]? Value, ulong Flags, string Session, ulong ReleasedAt = 0) : StateCommand;

/// <summary>PUT /v1/kv/:key?release=: gives up the key's lock held by <paramref name="Session"/> and writes the value.</summary>
public sealed record KvUnlock(string Key, byte[]? Value, ulong Flags, string Session) : StateCommand;
