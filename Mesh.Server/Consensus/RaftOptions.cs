namespace Mesh.Server.Consensus;

/// <summary>
/// Tunables of one Raft server. The core counts time in ticks; the host calls <see cref="Tick"/> every
/// <see cref="TickInterval"/>. Defaults with <c>raft_multiplier = 1</c>: a 50 ms tick, heartbeats every 100 ms,
/// election timeouts drawn from 500-1000 ms, a 250 ms leader lease.
/// </summary>
public sealed record RaftOptions
{
    /// <summary>Wall time of one tick; only the host uses it.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Minimum election timeout; each wait is drawn from [ElectionTicks, 2 * ElectionTicks).</summary>
    public int ElectionTicks { get; init; } = 10;

    public int HeartbeatTicks { get; init; } = 2;

    /// <summary>
    /// How long after a quorum acknowledged a heartbeat round the leader serves lease reads. Followers refuse
    /// votes for <see cref="ElectionTicks"/> after hearing from the leader, so this must stay below that by a
    /// margin for tick phase and clock drift. 0 disables lease reads.
    /// </summary>
    public int LeaseTicks { get; init; } = 5;

    /// <summary>
    /// Keep this or <see cref="CheckQuorum"/> on: with neither, a server removed while it was cut off never learns
    /// it and disrupts the cluster with ever higher terms (Raft thesis §4.2.3).
    /// </summary>
    public bool PreVote { get; init; } = true;

    /// <summary>
    /// A leader that has not heard from a quorum within an election timeout steps down, and a server that heard
    /// from a leader within an election timeout ignores candidates (leader stickiness). Leases need it.
    /// </summary>
    public bool CheckQuorum { get; init; } = true;

    /// <summary>Append messages in flight to one follower before the leader waits for acknowledgements.</summary>
    public int MaxInflightAppends { get; init; } = 32;

    public int MaxEntriesPerAppend { get; init; } = 512;

    public long MaxBytesPerAppend { get; init; } = 1 << 20;

    /// <summary>Applied entries since the last snapshot that trigger a new one (Consul: 16384).</summary>
    public ulong SnapshotThreshold { get; init; } = 16384;

    /// <summary>Entries kept in the log behind a snapshot so lagging followers catch up from the log (Consul: 10240).</summary>
    public ulong TrailingLogs { get; init; } = 10240;

    public int SnapshotChunkBytes { get; init; } = 1 << 20;

    /// <summary>A staging server is promoted to voter once it is within this many entries of the commit index.</summary>
    public ulong CatchUpEntries { get; init; } = 256;

    /// <summary>Consul's <c>raft_multiplier</c>: every timeout scales with it (1 = fastest, 5 = Consul's default).</summary>
    public static RaftOptions ForMultiplier(int multiplier)
    {
        if (multiplier is < 1 or > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(multiplier), multiplier, "raft_multiplier must be between 1 and 10.");
        }
        return new RaftOptions { TickInterval = TimeSpan.FromMilliseconds(50 * multiplier) };
    }

    public void Validate()
    {
        Require(ElectionTicks >= 4, "ElectionTicks must be at least 4.");
        Require(HeartbeatTicks >= 1 && HeartbeatTicks < ElectionTicks, "HeartbeatTicks must be at least 1 and below ElectionTicks.");
        Require(LeaseTicks >= 0 && LeaseTicks <= ElectionTicks - 2, "LeaseTicks must be between 0 and ElectionTicks - 2.");
        Require(MaxInflightAppends >= 1, "MaxInflightAppends must be at least 1.");
        Require(MaxEntriesPerAppend >= 1, "MaxEntriesPerAppend must be at least 1.");
        Require(MaxBytesPerAppend >= 1, "MaxBytesPerAppend must be at least 1.");
        Require(SnapshotThreshold >= 1, "SnapshotThreshold must be at least 1.");
        Require(SnapshotChunkBytes >= 1, "SnapshotChunkBytes must be at least 1.");
        Require(TickInterval > TimeSpan.Zero, "TickInterval must be positive.");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
