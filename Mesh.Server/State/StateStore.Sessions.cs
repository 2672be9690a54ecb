using Mesh.Server.Checks;
using Mesh.Server.State.Sessions;

namespace Mesh.Server.State;

// Sessions and KV locks, with Consul's invalidation rules: a session dies with its node, with any check it follows
// going critical or away, by TTL (the leader's timers) or when destroyed; its locks are then released or its keys
// deleted, each with a lock delay.
public sealed partial class StateStore
{
    private const string SessionsTable = "sessions";
    private const string SessionRenewalsTable = "session-renewals";

    private readonly Dictionary<string, SessionEntry> _sessions = new(StringComparer.Ordinal);

    // Key → when acquiring it is allowed again. Like Consul's lock-delay table this is local memory, stamped with
    // this server's clock when the invalidation is applied, checked before a lock is proposed, never replicated.
    private readonly Dictionary<string, DateTimeOffset> _lockDelays = new(StringComparer.Ordinal);

    // Key → index of the invalidation that last released it with a lock delay: replicated (deterministic), so that a
    // lock proposed before that release applied, past a check that could not see its delay, is refused everywhere.
    private readonly Dictionary<string, ulong> _lockReleases = new(StringComparer.Ordinal);

    private ApplyResult ApplySessionCreate(SessionCreate create, ulong index, ChangeSet changes)
    {
        var session = create.Session;
        if (!_nodes.TryGetValue(session.Node, out var node))
        {
            return new ApplyResult(index, false, "Missing node registration");
        }
        if (_sessions.ContainsKey(session.ID))
        {
            return new ApplyResult(index, false, $"Session '{session.ID}' already exists");
        }
        foreach (var checkId in session.NodeChecks.Concat(session.ServiceChecks.Select(c => c.ID)))
        {
            if (FindCheck(node.Node, checkId) is not { } check)
            {
                return new ApplyResult(index, false, $"Missing check '{checkId}' registration");
            }
            if (check.Status == HealthStatus.Critical)
            {
                return new ApplyResult(index, false, $"Check '{checkId}' is in critical state");
            }
        }
        _sessions[session.ID] = session with { Node = node.Node, CreateIndex = index, ModifyIndex = index, RenewIndex = index };
        SessionsChanged(index, changes);
        return new ApplyResult(index, true);
    }

    private ApplyResult ApplySessionDestroy(SessionDestroy destroy, ulong index, ChangeSet changes)
    {
        InvalidateSession(destroy.ID, index, changes);
        return new ApplyResult(index, true);
    }

    private ApplyResult ApplySessionRenew(SessionRenew renew, ulong index, ChangeSet changes)
    {
        if (!_sessions.TryGetValue(renew.ID, out var session))
        {
            return new ApplyResult(index, Succeeded: false);
        }
        _sessions[renew.ID] = session with { RenewIndex = index };
        BumpTable(SessionRenewalsTable, index);
        changes.Add(WatchKey.Sessions);
        return new ApplyResult(index, true);
    }

    private ApplyResult ApplyKvLock(KvLock acquire, ulong index, ChangeSet changes)
    {
        if (acquire.Session.Length == 0)
        {
            return new ApplyResult(index, false, "missing session");
        }
        if (!_sessions.ContainsKey(acquire.Session))
        {
            return new ApplyResult(index, false, $"invalid session \"{acquire.Session}\"");
        }
        if (_lockReleases.GetValueOrDefault(acquire.Key) != acquire.ReleasedAt)
        {
            return new ApplyResult(index, Succeeded: false);
        }
        if (LockKv(acquire.Key, acquire.Value, acquire.Flags, acquire.Session, index, changes) is null)
        {
            return new ApplyResult(index, Succeeded: false);
        }
        _lockReleases.Remove(acquire.Key);
        return new ApplyResult(index, true);
    }

    private ApplyResult ApplyKvUnlock(KvUnlock release, ulong index, ChangeSet changes)
    {
        if (release.Session.Length == 0)
        {
            return new ApplyResult(index, false, "missing session");
        }
        return new ApplyResult(index, UnlockKv(release.Key, release.Value, release.Flags, release.Session, index, changes) is not null);
    }

    /// <summary>A check that went critical or away invalidates every session following it.</summary>
    private void CheckFailed(string node, string checkId, ulong index, ChangeSet changes)
    {
        foreach (var session in _sessions.Values.Where(s => SameNode(s.Node, node) && s.FollowsCheck(checkId)).ToList())
        {
            InvalidateSession(session.ID, index, changes);
        }
    }

    private void NodeRemoved(string node, ulong index, ChangeSet changes)
    {
        foreach (var session in _sessions.Values.Where(s => SameNode(s.Node, node)).ToList())
        {
            InvalidateSession(session.ID, index, changes);
        }
    }

    private void InvalidateSession(string id, ulong index, ChangeSet changes)
    {
        if (!_sessions.Remove(id, out var session))
        {
            return;
        }
        var delayedUntil = timeProvider.GetUtcNow() + session.LockDelay;
        foreach (var held in _kv.WithPrefix("").Select(e => e.Value).Where(e => e.Session == id).ToList())
        {
            if (session.Behavior == SessionBehavior.Delete)
            {
                RemoveKey(held.Key, index, changes);
            }
            else
            {
                _kv.Set(held.Key, held with { Session = null, ModifyIndex = index });
                KvChanged(held.Key, index, changes);
            }
            if (session.LockDelay > TimeSpan.Zero)
            {
                _lockDelays[held.Key] = delayedUntil;
                _lockReleases[held.Key] = index;
            }
        }
        DeleteSessionPreparedQueries(id, index, changes);
        SessionsChanged(index, changes);
    }

    private void SessionsChanged(ulong index, ChangeSet changes)
    {
        BumpTable(SessionsTable, index);
        changes.Add(WatchKey.Sessions);
    }

    private static bool SameNode(string left, string right) => string.Equals(left, right, StringComparison.OrdinalIgnoreCase);

    internal SessionEntry? ReadSession(StateReader reader, string id)
    {
        reader.Touch(WatchKey.Sessions, TableIndex(SessionsTable));
        return _sessions.GetValueOrDefault(id);
    }

    internal IReadOnlyList<SessionEntry> ReadSessions(StateReader reader, string? node)
    {
        reader.Touch(WatchKey.Sessions, TableIndex(SessionsTable));
        return [.. _sessions.Values
            .Where(s => node is null || SameNode(s.Node, node))
            .OrderBy(s => s.ID, StringComparer.Ordinal)];
    }

    internal IReadOnlyList<SessionEntry> ReadSessionTimers(StateReader reader)
    {
        reader.Touch(WatchKey.Sessions, Math.Max(TableIndex(SessionsTable), TableIndex(SessionRenewalsTable)));
        return [.. _sessions.Values.Where(s => s.TTL.Length > 0)];
    }

    internal KvLockDelay ReadLockDelay(string key)
    {
        var releasedAt = _lockReleases.GetValueOrDefault(key);
        if (!_lockDelays.TryGetValue(key, out var until))
        {
            return new KvLockDelay(TimeSpan.Zero, releasedAt);
        }
        var remaining = until - timeProvider.GetUtcNow();
        if (remaining <= TimeSpan.Zero)
        {
            _lockDelays.Remove(key);
            return new KvLockDelay(TimeSpan.Zero, releasedAt);
        }
        return new KvLockDelay(remaining, releasedAt);
    }

    private void ReplaceSessions(IEnumerable<SessionEntry>? sessions, Dictionary<string, ulong>? lockReleases)
    {
        _sessions.Clear();
        foreach (var session in sessions ?? [])
        {
            _sessions[session.ID] = session;
        }
        _lockReleases.Clear();
        foreach (var (key, releasedAt) in lockReleases ?? [])
        {
            _lockReleases[key] = releasedAt;
        }
    }
}
