namespace Mesh.Server.State.Sessions;

/// <summary>
/// A session (Consul's structs.Session): a node, the checks whose health it follows, and what becomes of the keys
/// it locks when it is invalidated. Immutable: a change replaces the record.
/// </summary>
public sealed record SessionEntry
{
    public required string ID { get; init; }
    public string Name { get; init; } = "";
    public required string Node { get; init; }
    /// <summary>How long a key this session held stays unacquirable by others once the session is invalidated.</summary>
    public TimeSpan LockDelay { get; init; }
    public string Behavior { get; init; } = SessionBehavior.Release;
    /// <summary>The TTL as given ("30s"), "" for none.</summary>
    public string TTL { get; init; } = "";
    public List<string> NodeChecks { get; init; } = [];
    public List<SessionServiceCheck> ServiceChecks { get; init; } = [];
    public ulong CreateIndex { get; init; }
    public ulong ModifyIndex { get; init; }
    /// <summary>The index of the last renewal: the leader's TTL timers restart when it moves. Not part of the API.</summary>
    public ulong RenewIndex { get; init; }

    /// <summary>Whether the health of check <paramref name="checkId"/> of the session's node governs this session.</summary>
    public bool FollowsCheck(string checkId) =>
        NodeChecks.Contains(checkId, StringComparer.Ordinal) || ServiceChecks.Any(c => c.ID == checkId);
}

/// <summary>A service check a session follows (Consul's structs.ServiceCheck).</summary>
public sealed record SessionServiceCheck(string ID, string Namespace = "");

/// <summary>What invalidating a session does to the keys it holds.</summary>
public static class SessionBehavior
{
    /// <summary>The locks are released: the keys stay, without a session.</summary>
    public const string Release = "release";

    /// <summary>The locked keys are deleted.</summary>
    public const string Delete = "delete";
}
