using Mesh.Server.Consensus;
using static Mesh.Server.Tests.Consensus.RaftTestKit;

namespace Mesh.Server.Tests.Consensus;

/// <summary>AppendEntries rules of figure 2 (§5.3), the commit rule (§5.4.2), durability and flow control.</summary>
public sealed class ReplicationTests
{
    [Fact]
    public void RejectsAppendWhosePreviousEntryIsMissingAndHintsItsLastIndex()
    {
        var node = Node("b", ["a", "b", "c"], term: 2, logTerms: [1, 2]);

        var response = Assert.Single(node.Receive(new AppendRequest("a", "b", 2, 5, 2, [Command(6, 2)], 0, 1)).Sent<AppendResponse>());

        Assert.False(response.Success);
        Assert.Equal(5UL, response.Index);
        Assert.Equal((2UL, 2UL), (response.HintIndex, response.HintTerm));
        Assert.Equal(2UL, node.Log.LastIndex);
    }

    [Fact]
    public void RejectsAppendWhosePreviousTermDiffersAndHintsBeforeTheConflictingTerm()
    {
        var node = Node("b", ["a", "b", "c"], term: 3, logTerms: [1, 1, 2, 2]);

        var response = Assert.Single(node.Receive(new AppendRequest("a", "b", 3, 4, 3, [], 0, 1)).Sent<AppendResponse>());

        Assert.False(response.Success);
        // The hint is the follower's last entry with a term at or below the leader's PrevLogTerm: the leader then
        // skips back past its own entries of terms above 2 in one round trip.
        Assert.Equal((4UL, 2UL), (response.HintIndex, response.HintTerm));
    }

    [Fact]
    public void TruncatesConflictingEntriesAndAppendsTheLeaders()
    {
        var node = Node("b", ["a", "b", "c"], term: 3, logTerms: [1, 1, 2, 2]);

        var actions = node.Receive(new AppendRequest("a", "b", 3, 2, 1, [Command(3, 3)], 0, 1));

        Assert.Equal(3UL, node.Log.LastIndex);
        Assert.Equal(3UL, node.Log.TermAt(3));
        var persist = Assert.Single(actions.OfType<Persist>());
        Assert.Equal(3UL, Assert.Single(persist.Entries).Index);
        var ack = Assert.Single(node.Persisted(actions).Sent<AppendResponse>());
        Assert.True(ack.Success);
        Assert.Equal(3UL, ack.Index);
    }

    [Fact]
    public void KeepsEntriesItAlreadyHasWhenAnOlderAppendArrivesLate()
    {
        var node = Node("b", ["a", "b", "c"], term: 2, logTerms: [1, 2, 2, 2]);

        var actions = node.Receive(new AppendRequest("a", "b", 2, 1, 1, [Command(2, 2)], 0, 1));

        Assert.Equal(4UL, node.Log.LastIndex);
        Assert.DoesNotContain(actions, a => a is Persist);
        Assert.Equal(2UL, Assert.Single(actions.Sent<AppendResponse>()).Index);
    }

    [Fact]
    public void FollowerAcknowledgesOnlyOnceTheEntriesAreDurable()
    {
        var node = Node("b", ["a", "b", "c"], term: 2, logTerms: [1]);

        var actions = node.Receive(new AppendRequest("a", "b", 2, 1, 1, [Command(2, 2), Command(3, 2)], 0, 1));

        Assert.Empty(actions.Sent<AppendResponse>());
        var ack = Assert.Single(node.Persisted(actions).Sent<AppendResponse>());
        Assert.Equal((true, 3UL), (ack.Success, ack.Index));
    }

    [Fact]
    public void FollowerCommitsUpToLeaderCommitButNotBeyondItsLastNewEntry()
    {
        var node = Node("b", ["a", "b", "c"], term: 2, logTerms: [1, 1, 1, 1]);

        node.Receive(new AppendRequest("a", "b", 2, 1, 1, [Command(2, 1)], 9, 1));
        Assert.Equal(2UL, node.CommitIndex);

        node.Receive(new HeartbeatRequest("a", "b", 2, 9, 2));
        Assert.Equal(4UL, node.CommitIndex);
    }

    [Fact]
    public void FollowerAppliesOnlyCommittedDurableEntries()
    {
        var node = Node("b", ["a", "b", "c"], term: 2, logTerms: [1]);

        var actions = node.Receive(new AppendRequest("a", "b", 2, 1, 1, [Command(2, 2)], 2, 1));
        Assert.Equal(2UL, node.CommitIndex);
        Assert.Equal([1UL], actions.OfType<ApplyEntries>().SelectMany(a => a.Entries).Select(e => e.Index));

        var applied = node.Persisted(actions).OfType<ApplyEntries>().SelectMany(a => a.Entries).Select(e => e.Index);
        Assert.Equal([2UL], applied);
    }

    [Fact]
    public void LeaderCountsItselfOnlyOnceDurable()
    {
        var (leader, _) = Leader();
        leader.Receive(new AppendResponse("b", "a", 2, true, 2, 0, 0, 1));
        Assert.Equal(2UL, leader.CommitIndex);

        var proposed = leader.Step(new Propose(1, [1]));
        leader.Receive(new AppendResponse("b", "a", 2, true, 3, 0, 0, 1));
        Assert.Equal(2UL, leader.CommitIndex);

        leader.Persisted(proposed);
        Assert.Equal(3UL, leader.CommitIndex);
    }

    [Fact]
    public void LeaderCommitsEntriesOfEarlierTermsOnlyThroughAnEntryOfItsOwnTerm()
    {
        // Figure 8: index 2 (term 2) is on a majority, but counting replicas of an older term is not enough.
        var (leader, _) = Leader(logTerms: [1, 2, 2]);
        Assert.Equal(3UL, leader.Term);

        leader.Receive(new AppendResponse("b", "a", 3, true, 3, 0, 0, 1));
        Assert.Equal(0UL, leader.CommitIndex);

        leader.Receive(new AppendResponse("b", "a", 3, true, 4, 0, 0, 1));
        Assert.Equal(4UL, leader.CommitIndex);
    }

    [Fact]
    public void ConcurrentProposalsShareOnePersist()
    {
        var (leader, _) = Leader();
        var first = leader.Step(new Propose(1, [1]));
        var persist = Assert.Single(first.OfType<Persist>());

        var later = Enumerable.Range(2, 9).SelectMany(i => leader.Step(new Propose(i, [(byte)i]))).ToList();
        Assert.DoesNotContain(later, a => a is Persist);
        Assert.Equal(9, later.OfType<ProposalAccepted>().Count());

        var next = Assert.Single(leader.Persisted(first).OfType<Persist>());
        Assert.Equal(Enumerable.Range(4, 9).Select(i => (ulong)i), next.Entries.Select(e => e.Index));
        Assert.True(next.Sequence > persist.Sequence);
    }

    [Fact]
    public void PipelinesAppendsUpToTheInflightLimit()
    {
        var options = Plain with { MaxInflightAppends = 2, MaxEntriesPerAppend = 1 };
        var (leader, _) = Leader(options: options);
        leader.Receive(new AppendResponse("b", "a", 2, true, 2, 0, 0, 1));

        var sent = Enumerable.Range(1, 5).SelectMany(i => leader.Step(new Propose(i, [(byte)i]))).ToList().Sent<AppendRequest>();
        Assert.Equal([3UL, 4UL], sent.Where(a => a.To == "b").Select(a => a.Entries.Single().Index));

        var more = leader.Receive(new AppendResponse("b", "a", 2, true, 3, 0, 0, 1)).Sent<AppendRequest>();
        Assert.Equal([5UL], more.Where(a => a.To == "b").Select(a => a.Entries.Single().Index));
    }

    [Fact]
    public void ProbingFollowerCatchesUpThroughConflictHints()
    {
        var cluster = new TestCluster(Plain, "a", "b", "c");
        cluster.Elect("a");
        for (ulong i = 1; i <= 30; i++)
        {
            cluster.Propose("a", i);
        }
        cluster.Deliver();
        cluster.Isolate("c");
        for (ulong i = 31; i <= 60; i++)
        {
            cluster.Propose("a", i);
        }
        cluster.Deliver();
        cluster.Heal();

        cluster.Tick("a", 2);

        Assert.Equal(cluster["a"].Log.LastIndex, cluster["c"].Log.LastIndex);
        Assert.Equal(Enumerable.Range(1, 60).Select(i => (ulong)i), cluster.Applied["c"].Select(TestCluster.CommandOf));
        var rejections = cluster.Delivered.OfType<AppendResponse>().Count(r => r.From == "c" && !r.Success);
        Assert.InRange(rejections, 0, 4);
    }

    [Fact]
    public void FollowerRefusesProposalsAndNamesTheLeader()
    {
        var cluster = new TestCluster(Plain, "a", "b", "c");
        cluster.Elect("a");

        cluster.Propose("b", 1);

        var rejected = Assert.Single(cluster.Actions["b"].OfType<RequestRejected>());
        Assert.Equal((RejectReason.NotLeader, "a"), (rejected.Reason, rejected.LeaderId));
    }

    [Fact]
    public void AcknowledgementsOfReplacedEntriesAreNeverSent()
    {
        var node = Node("c", ["a", "b", "c"], term: 2, logTerms: [1, 2]);
        var first = node.Receive(new AppendRequest("a", "c", 2, 2, 2, [Command(3, 2)], 0, 1));
        Assert.Empty(first.Sent<AppendResponse>());

        // Before that write is durable, a newer leader replaces entry 3.
        node.Receive(new AppendRequest("b", "c", 3, 2, 2, [Command(3, 3)], 0, 1));
        var afterFirst = node.Persisted(first);

        Assert.DoesNotContain(afterFirst.Sent<AppendResponse>(), r => r.Success && r.Index >= 3);
        var ack = Assert.Single(node.Persisted(afterFirst).Sent<AppendResponse>());
        Assert.Equal(("b", 3UL, 3UL), (ack.To, ack.Term, ack.Index));
    }
}
