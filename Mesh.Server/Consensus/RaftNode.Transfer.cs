namespace Mesh.Server.Consensus;

public sealed partial class RaftNode
{
    private string? _transferTarget;
    private int _transferElapsed;

    // Once a TimeoutNow went out, the target may win an election at any moment (it bypasses leader
    // stickiness), so this leader never trusts its lease again in this term.
    private bool _timeoutNowSent;

    private void OnTransferLeadership(TransferLeadership request)
    {
        if (Role != RaftRole.Leader)
        {
            Reject(request.RequestId, RejectReason.NotLeader);
            return;
        }
        if (_transferTarget is not null)
        {
            Reject(request.RequestId, RejectReason.TransferInProgress);
            return;
        }
        var target = request.Target
            ?? Followers.Where(p => Configuration.IsVoter(p.Id)).OrderByDescending(p => p.Match).FirstOrDefault()?.Id;
        if (target is null || target == Id || !Configuration.IsVoter(target) || !_progress.TryGetValue(target, out var progress))
        {
            Reject(request.RequestId, RejectReason.InvalidRequest);
            return;
        }
        _transferTarget = target;
        _transferElapsed = 0;
        if (!MaybeSendTimeoutNow(progress))
        {
            SendAppends(progress, sendIfEmpty: true);
        }
    }

    /// <summary>Raft §3.10: once the target holds the whole log, tell it to start an election now.</summary>
    private bool MaybeSendTimeoutNow(Progress progress)
    {
        if (progress.Id != _transferTarget || progress.Match != _log.LastIndex)
        {
            return false;
        }
        _timeoutNowSent = true;
        Send(new TimeoutNowRequest(Id, progress.Id, Term));
        return true;
    }
}
