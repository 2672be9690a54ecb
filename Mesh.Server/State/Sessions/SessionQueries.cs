using Mesh.Server.State.Queries;

namespace Mesh.Server.State.Sessions;

/// <summary>One session, null when unknown.</summary>
public sealed record SessionGetQuery(string ID) : StateQuery<SessionEntry?>
{
    internal override SessionEntry? Run(StateReader reader) => reader.Session(ID);
}

/// <summary>Every session, or those of one node.</summary>
public sealed record SessionListQuery(string? Node = null) : StateQuery<IReadOnlyList<SessionEntry>>
{
    internal override IReadOnlyList<SessionEntry> Run(StateReader reader) => Node is null ? reader.Sessions() : reader.NodeSessions(Node);
}

/// <summary>
/// Every session with a TTL, for the leader's timers; its index also moves on renewals, so that a blocking read
/// wakes when a timer must restart.
/// </summary>
public sealed record SessionTimersQuery : StateQuery<IReadOnlyList<SessionEntry>>
{
    internal override IReadOnlyList<SessionEntry> Run(StateReader reader) => reader.SessionTimers();
}

/// <summary>Whether acquiring <paramref name="Key"/> must still wait after an invalidated session held it.</summary>
public sealed record KvLockDelayQuery(string Key) : StateQuery<KvLockDelay>
{
    internal override KvLockDelay Run(StateReader reader) => reader.LockDelay(Key);
}

/// <summary>
/// What is left of a key's lock delay (zero: none), and the index of the invalidation that released the key last
/// (0: none), which the lock command carries so that a release applied after this check refuses it.
/// </summary>
public sealed record KvLockDelay(TimeSpan Remaining, ulong ReleasedAt);
