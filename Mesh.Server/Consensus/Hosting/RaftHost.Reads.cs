namespace Mesh.Server.Consensus.Hosting;

/// <summary>Linearizable reads: the leader confirms it still leads (lease or a quorum round), then waits for the apply.</summary>
public sealed partial class RaftHost
{
    private readonly Lock _appliedLock = new();
    private readonly List<(ulong Index, TaskCompletionSource<RaftResult> Completion)> _applyWaiters = [];
    private ulong _appliedIndex;

    /// <summary>The last index the state machine applied (or restored a snapshot through).</summary>
    public ulong AppliedIndex
    {
        get
        {
            lock (_appliedLock)
            {
                return _appliedIndex;
            }
        }
    }

    /// <summary>
    /// Completes once this server, as leader, may serve a read that sees every write acknowledged before the call:
    /// its state machine has applied the returned index. <see cref="ReadConsistency.Lease"/> skips the quorum round
    /// while the leader lease holds. Throws <see cref="NotLeaderException"/> on a follower.
    /// </summary>
    public async Task<ulong> ReadAsync(ReadConsistency consistency, CancellationToken cancellationToken = default) =>
        (await Submit(id => new ReadRequest(id, consistency), cancellationToken).ConfigureAwait(false)).Index;

    private void OnReadReady(ReadReady ready)
    {
        if (_requests.TryRemove(ready.RequestId, out var completion))
        {
            WhenApplied(ready.Index, completion);
        }
    }

    private void WhenApplied(ulong index, TaskCompletionSource<RaftResult> completion)
    {
        lock (_appliedLock)
        {
            if (_appliedIndex < index)
            {
                _applyWaiters.Add((index, completion));
                return;
            }
        }
        completion.TrySetResult(new RaftResult(index, null));
    }

    /// <summary>On the apply worker: the state machine reached <paramref name="index"/>.</summary>
    private void Applied(ulong index)
    {
        List<(ulong Index, TaskCompletionSource<RaftResult> Completion)> ready;
        lock (_appliedLock)
        {
            _appliedIndex = index;
            ready = _applyWaiters.FindAll(w => w.Index <= index);
            _applyWaiters.RemoveAll(w => w.Index <= index);
        }
        ready.ForEach(w => w.Completion.TrySetResult(new RaftResult(w.Index, null)));
        _events.Writer.TryWrite(new ApplyCompleted(index));
    }

    private void FailReadWaiters(Exception reason)
    {
        lock (_appliedLock)
        {
            _applyWaiters.ForEach(w => w.Completion.TrySetException(reason));
            _applyWaiters.Clear();
        }
    }
}
