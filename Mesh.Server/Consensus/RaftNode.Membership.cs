namespace Mesh.Server.Consensus;

public sealed partial class RaftNode
{
    private void OnChangeMembership(ChangeMembership request)
    {
        if (!CanAcceptWrite(request.RequestId))
        {
            return;
        }
        // One change at a time, and only after this leader committed an entry of its term (the fix to the
        // single-server change bug in Ongaro's errata).
        if (!CommittedInTerm)
        {
            Reject(request.RequestId, RejectReason.LeaderNotReady);
            return;
        }
        if (_configurations.CurrentIndex > CommitIndex)
        {
            Reject(request.RequestId, RejectReason.ConfigurationChangeInProgress);
            return;
        }
        var change = request.Change;
        var configuration = Configuration;
        var member = configuration.Find(change.ServerId);
        ClusterConfiguration? next = change.Kind switch
        {
            MembershipChangeKind.AddVoter when member is null =>
                configuration.With(new RaftMember(change.ServerId, change.Address, MemberRole.Staging)),
            MembershipChangeKind.AddVoter when member.Role == MemberRole.Learner =>
                configuration.With(member with { Role = MemberRole.Staging }),
            MembershipChangeKind.AddLearner when member is null =>
                configuration.With(new RaftMember(change.ServerId, change.Address, MemberRole.Learner)),
            MembershipChangeKind.RemoveServer when member is not null
                && !(member.Role == MemberRole.Voter && configuration.Voters.Count == 1) =>
                configuration.Without(change.ServerId),
            _ => null,
        };
        if (next is null)
        {
            Reject(request.RequestId, RejectReason.InvalidRequest);
            return;
        }
        var entry = AppendConfiguration(next);
        _actions.Add(new ProposalAccepted(request.RequestId, entry.Index, entry.Term));
    }

    private LogEntry AppendConfiguration(ClusterConfiguration configuration)
    {
        var entry = AppendLocal(EntryKind.Configuration, configuration.Encode());
        SyncProgress();
        BroadcastAppend();
        MaybeCommit();
        return entry;
    }

    /// <summary>Promotes a staging server to voter once it has caught up, when no other change is pending.</summary>
    private void MaybePromote()
    {
        if (Role != RaftRole.Leader || !CommittedInTerm || _configurations.CurrentIndex > CommitIndex || _transferTarget is not null)
        {
            return;
        }
        var configuration = Configuration;
        foreach (var member in configuration.Members.Where(m => m.Role == MemberRole.Staging))
        {
            if (_progress.TryGetValue(member.Id, out var progress)
                && progress.RecentActive
                && progress.Match + _options.CatchUpEntries >= CommitIndex)
            {
                AppendConfiguration(configuration.With(member with { Role = MemberRole.Voter }));
                return;
            }
        }
    }
}
