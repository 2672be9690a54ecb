namespace Mesh.Server.Consensus;

public sealed partial class RaftNode
{
    private void OnPropose(Propose proposal)
    {
        if (!CanAcceptWrite(proposal.RequestId))
        {
            return;
        }
        var entry = AppendLocal(EntryKind.Command, proposal.Command);
        _actions.Add(new ProposalAccepted(proposal.RequestId, entry.Index, entry.Term));
        // Pipelined to followers now; the leader's own fsync is batched with whatever else arrives meanwhile.
        foreach (var progress in Followers)
        {
            SendAppends(progress, sendIfEmpty: false);
        }
        MaybeCommit();
    }

    private bool CanAcceptWrite(long requestId)
    {
        if (Role != RaftRole.Leader)
        {
            Reject(requestId, RejectReason.NotLeader);
            return false;
        }
        if (_transferTarget is not null)
        {
            Reject(requestId, RejectReason.TransferInProgress);
            return false;
        }
        return true;
    }
}
