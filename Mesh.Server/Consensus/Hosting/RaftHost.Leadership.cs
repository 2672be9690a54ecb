namespace Mesh.Server.Consensus.Hosting;

/// <summary>Leader-only work (Consul's leader loop): waits for leadership, with a token that ends with it.</summary>
public sealed partial class RaftHost
{
    private readonly Lock _leadershipLock = new();
    private CancellationTokenSource? _leadership;
    private TaskCompletionSource<CancellationToken> _becameLeader = NewLeadershipWaiter();

    /// <summary>
    /// Completes once this server leads (at once if it does), with a token cancelled as soon as it stops leading.
    /// The leader may not have committed an entry of its term yet; its first writes wait for that.
    /// </summary>
    public Task<CancellationToken> WaitForLeadershipAsync(CancellationToken cancellationToken = default)
    {
        lock (_leadershipLock)
        {
            return _becameLeader.Task.WaitAsync(cancellationToken);
        }
    }

    private void TrackLeadership(RaftRole role)
    {
        CancellationTokenSource? ended = null;
        lock (_leadershipLock)
        {
            if (role == RaftRole.Leader && _leadership is null)
            {
                _leadership = new CancellationTokenSource();
                _becameLeader.TrySetResult(_leadership.Token);
            }
            else if (role != RaftRole.Leader && _leadership is not null)
            {
                ended = _leadership;
                _leadership = null;
                _becameLeader = NewLeadershipWaiter();
            }
        }
        // Off the event loop: cancellation runs the leader work's callbacks synchronously.
        if (ended is not null)
        {
            ThreadPool.QueueUserWorkItem(static source => source.Cancel(), ended, preferLocal: false);
        }
    }

    private void EndLeadership()
    {
        TrackLeadership(RaftRole.Follower);
        lock (_leadershipLock)
        {
            _becameLeader.TrySetCanceled();
        }
    }

    private static TaskCompletionSource<CancellationToken> NewLeadershipWaiter() =>
        new(TaskCreationOptions.RunContinuationsAsynchronously);
}
