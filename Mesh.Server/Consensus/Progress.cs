namespace Mesh.Server.Consensus;

internal enum ProgressState
{
    /// <summary>Next is a guess: one append at a time until the follower confirms where its log matches.</summary>
    Probe,

    /// <summary>Matching: appends are pipelined up to the in-flight limit.</summary>
    Replicate,

    /// <summary>The follower needs entries the leader compacted: a snapshot is being sent in chunks.</summary>
    Snapshot,
}

/// <summary>What the leader knows about one follower's log, and the flow control towards it.</summary>
internal sealed class Progress(string id, ulong next)
{
    private readonly Queue<ulong> _inflight = new();

    public string Id { get; } = id;

    public ulong Match { get; set; }

    public ulong Next { get; set; } = next;

    public ProgressState State { get; private set; } = ProgressState.Probe;

    /// <summary>In probe state: an append is out and the next waits for its answer (or a heartbeat answer).</summary>
    public bool ProbeSent { get; set; }

    /// <summary>Heard from within the current check-quorum period.</summary>
    public bool RecentActive { get; set; }

    /// <summary>Highest heartbeat round the follower has answered in this term.</summary>
    public ulong AckedRound { get; set; }

    public int InflightCount => _inflight.Count;

    public SnapshotMetadata? PendingSnapshot { get; private set; }

    /// <summary>Offset of the chunk being sent.</summary>
    public long SnapshotOffset { get; set; }

    public int SnapshotStallTicks { get; set; }

    public void AddInflight(ulong lastIndex) => _inflight.Enqueue(lastIndex);

    public void FreeInflightThrough(ulong index)
    {
        while (_inflight.Count > 0 && _inflight.Peek() <= index)
        {
            _inflight.Dequeue();
        }
    }

    /// <summary>Lets one more append out when the window is full, in case one of those in flight was lost.</summary>
    public void FreeFirstInflight()
    {
        if (_inflight.Count > 0)
        {
            _inflight.Dequeue();
        }
    }

    public void BecomeProbe()
    {
        if (State == ProgressState.Snapshot && PendingSnapshot is not null)
        {
            Next = Math.Max(Match + 1, PendingSnapshot.Index + 1);
        }
        State = ProgressState.Probe;
        ProbeSent = false;
        PendingSnapshot = null;
        _inflight.Clear();
    }

    public void BecomeReplicate()
    {
        State = ProgressState.Replicate;
        Next = Match + 1;
        ProbeSent = false;
        _inflight.Clear();
    }

    public void BecomeSnapshot(SnapshotMetadata snapshot)
    {
        State = ProgressState.Snapshot;
        PendingSnapshot = snapshot;
        SnapshotOffset = 0;
        SnapshotStallTicks = 0;
        ProbeSent = false;
        _inflight.Clear();
    }
}
