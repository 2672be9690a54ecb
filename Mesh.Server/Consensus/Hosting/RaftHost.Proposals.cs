using System.Collections.Concurrent;

namespace Mesh.Server.Consensus.Hosting;

/// <summary>Client proposals: answered once their entry is applied, refused with the leader's name otherwise.</summary>
public sealed partial class RaftHost
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource<RaftResult>> _requests = new();
    private readonly ConcurrentDictionary<ulong, (ulong Term, long Started, TaskCompletionSource<RaftResult> Completion)> _accepted = new();
    private long _nextRequestId;

    /// <summary>
    /// Replicates <paramref name="command"/>; completes with its log index and what the state machine answered
    /// once this server applied it.
    /// Throws <see cref="NotLeaderException"/> on a follower, <see cref="RaftRequestRejectedException"/> when the
    /// leader refuses it or the entry is lost to a new leader.
    /// </summary>
    public Task<RaftResult> ProposeAsync(byte[] command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        return Submit(id => new Propose(id, command), cancellationToken);
    }

    /// <summary>Hands a request to the core; the task completes when the core's answer (and any apply) does.</summary>
    private Task<RaftResult> Submit(Func<long, RaftEvent> request, CancellationToken cancellationToken)
    {
        if (_fault is { } fault)
        {
            throw new InvalidOperationException($"Server {Id} stopped after a failure: {fault.Message}", fault);
        }
        var id = Interlocked.Increment(ref _nextRequestId);
        var completion = new TaskCompletionSource<RaftResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests[id] = completion;
        if (!_events.Writer.TryWrite(request(id)))
        {
            _requests.TryRemove(id, out _);
            throw new ObjectDisposedException(nameof(RaftHost), $"Server {Id} is stopped.");
        }
        return completion.Task.WaitAsync(cancellationToken);
    }

    private void OnAccepted(ProposalAccepted accepted)
    {
        if (!_requests.TryRemove(accepted.RequestId, out var completion))
        {
            return;
        }
        // An older proposal at the same index was overwritten before it was applied: it is lost.
        if (_accepted.TryRemove(accepted.Index, out var previous))
        {
            previous.Completion.TrySetException(Lost(accepted.Index));
        }
        _accepted[accepted.Index] = (accepted.Term, _time.GetTimestamp(), completion);
    }

    private void OnRejected(RequestRejected rejected)
    {
        if (!_requests.TryRemove(rejected.RequestId, out var completion))
        {
            return;
        }
        completion.TrySetException(rejected.Reason == RejectReason.NotLeader
            ? new NotLeaderException(rejected.LeaderId)
            : new RaftRequestRejectedException($"The leader refused the proposal: {rejected.Reason}."));
    }

    /// <summary>Runs on the apply worker; the proposal was registered by an earlier step than the one that committed it.</summary>
    private void CompleteProposal(LogEntry entry, object? response)
    {
        if (!_accepted.TryRemove(entry.Index, out var proposal))
        {
            return;
        }
        if (proposal.Term == entry.Term)
        {
            _metrics.Committed(_time.GetElapsedTime(proposal.Started));
            proposal.Completion.TrySetResult(new RaftResult(entry.Index, response));
        }
        else
        {
            proposal.Completion.TrySetException(Lost(entry.Index));
        }
    }

    /// <summary>A snapshot from the leader replaced the log: whether these entries survived cannot be told here.</summary>
    private void FailProposalsThrough(ulong index)
    {
        foreach (var accepted in _accepted.Keys.Where(i => i <= index))
        {
            if (_accepted.TryRemove(accepted, out var proposal))
            {
                proposal.Completion.TrySetException(new RaftOutcomeUnknownException(
                    $"The outcome of the proposal at index {accepted} is unknown: a snapshot from the new leader replaced the log."));
            }
        }
    }

    private static RaftRequestRejectedException Lost(ulong index) =>
        new($"The proposal at index {index} was lost to a leader change; it may be retried.");

    private void FailPending(Exception reason)
    {
        FailReadWaiters(reason);
        foreach (var id in _requests.Keys)
        {
            if (_requests.TryRemove(id, out var completion))
            {
                completion.TrySetException(reason);
            }
        }
        foreach (var index in _accepted.Keys)
        {
            if (_accepted.TryRemove(index, out var proposal))
            {
                proposal.Completion.TrySetException(reason);
            }
        }
    }
}
