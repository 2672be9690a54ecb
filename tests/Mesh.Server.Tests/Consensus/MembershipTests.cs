using Mesh.Server.Consensus;
using static Mesh.Server.Tests.Consensus.RaftTestKit;

namespace Mesh.Server.Tests.Consensus;

/// <summary>Single-server membership changes (Raft thesis §4.1-4.2) with non-voting catch-up (§4.2.1).</summary>
public sealed class MembershipTests
{
    [Fact]
    public void NewVoterCatchesUpAsStagingAndIsThenPromoted()
    {
        var cluster = new TestCluster(Full, "a", "b", "c");
        cluster.Elect("a");
        for (ulong i = 1; i <= 10; i++)
        {
            cluster.Propose("a", i);
        }
        cluster.Deliver();
        cluster.AddEmpty("d");

        cluster.Step("a", new ChangeMembership(cluster.NextRequest(), new MembershipChange(MembershipChangeKind.AddVoter, "d", "d:8300")));
        var staging = cluster["a"].Log.EntryAt(cluster["a"].Log.LastIndex);
        Assert.Equal(MemberRole.Staging, ClusterConfiguration.Decode(staging.Data).Find("d")!.Role);
        Assert.Equal(2, cluster["a"].Configuration.Quorum);
        cluster.Deliver();
        cluster.TickAll(2);

        Assert.Equal(MemberRole.Voter, cluster["a"].Configuration.Find("d")!.Role);
        Assert.True(cluster["d"].IsVoter);
        Assert.Equal(10, cluster.Applied["d"].Count);
        Assert.Equal(3, cluster["a"].Configuration.Quorum);
    }

    [Fact]
    public void ConfigurationTakesEffectWhenAppendedAndRevertsWhenTruncated()
    {
        var node = Node("b", ["a", "b", "c"], term: 2, logTerms: [1]);
        var withD = Voters("a", "b", "c", "d");

        node.Receive(new AppendRequest("a", "b", 2, 1, 1, [new LogEntry(2, 2, EntryKind.Configuration, withD.Encode())], 0, 1));
        Assert.True(node.Configuration.IsVoter("d"));

        node.Receive(new AppendRequest("c", "b", 3, 1, 1, [Command(2, 3)], 0, 1));
        Assert.False(node.Configuration.Contains("d"));
        Assert.Equal(3, node.Configuration.Members.Count);
    }

    [Fact]
    public void OnlyOneChangeAtATime()
    {
        var cluster = new TestCluster(Full, "a", "b", "c");
        cluster.Elect("a");
        cluster.Isolate("b");
        cluster.Isolate("c");

        cluster.Step("a", new ChangeMembership(1, new MembershipChange(MembershipChangeKind.AddLearner, "d", "d:8300")));
        cluster.Step("a", new ChangeMembership(2, new MembershipChange(MembershipChangeKind.AddLearner, "e", "e:8300")));

        Assert.Contains(cluster.Actions["a"], a => a is ProposalAccepted { RequestId: 1 });
        Assert.Contains(cluster.Actions["a"], a => a is RequestRejected { RequestId: 2, Reason: RejectReason.ConfigurationChangeInProgress });
    }

    [Fact]
    public void NewLeaderChangesNothingBeforeItsNoOpCommits()
    {
        var cluster = new TestCluster(Full, "a", "b", "c");
        cluster.Isolate("b");
        cluster.Isolate("c");
        cluster.Step("a", new Receive(new TimeoutNowRequest("b", "a", 1)));
        cluster.Heal();
        cluster.Step("a", new Receive(new VoteResponse("b", "a", 2, true, false)));
        Assert.Equal(RaftRole.Leader, cluster["a"].Role);

        cluster.Step("a", new ChangeMembership(3, new MembershipChange(MembershipChangeKind.RemoveServer, "c")));

        Assert.Contains(cluster.Actions["a"], a => a is RequestRejected { RequestId: 3, Reason: RejectReason.LeaderNotReady });
    }

    [Fact]
    public void RemovedLeaderStepsDownOnceItsRemovalCommits()
    {
        var cluster = new TestCluster(Full, "a", "b", "c");
        cluster.Elect("a");

        cluster.Step("a", new ChangeMembership(1, new MembershipChange(MembershipChangeKind.RemoveServer, "a")));
        Assert.Equal(RaftRole.Leader, cluster["a"].Role);
        cluster.Deliver();

        Assert.Equal(RaftRole.Follower, cluster["a"].Role);
        Assert.False(cluster["b"].Configuration.Contains("a"));
        cluster.TickAll(4 * ElectionTicks);
        Assert.Contains(cluster.Leader, new[] { "b", "c" });
        Assert.Equal(RaftRole.Follower, cluster["a"].Role);
    }

    [Fact]
    public void TheLastVoterCannotBeRemovedNorAnUnknownServer()
    {
        var cluster = new TestCluster(Full, "a");
        cluster.TickAll(3 * ElectionTicks);
        Assert.Equal("a", cluster.Leader);

        cluster.Step("a", new ChangeMembership(1, new MembershipChange(MembershipChangeKind.RemoveServer, "a")));
        cluster.Step("a", new ChangeMembership(2, new MembershipChange(MembershipChangeKind.RemoveServer, "zz")));

        Assert.Contains(cluster.Actions["a"], a => a is RequestRejected { RequestId: 1, Reason: RejectReason.InvalidRequest });
        Assert.Contains(cluster.Actions["a"], a => a is RequestRejected { RequestId: 2, Reason: RejectReason.InvalidRequest });
    }

    [Fact]
    public void LearnerReceivesTheLogButDoesNotCountForCommit()
    {
        var cluster = new TestCluster(Full, "a", "b", "c");
        cluster.Elect("a");
        cluster.AddEmpty("l");
        cluster.Step("a", new ChangeMembership(1, new MembershipChange(MembershipChangeKind.AddLearner, "l", "l:8300")));
        cluster.Deliver();

        cluster.Isolate("b");
        cluster.Isolate("c");
        cluster.Propose("a", 42);
        cluster.Deliver();

        Assert.Equal(cluster["a"].Log.LastIndex, cluster["l"].Log.LastIndex);
        Assert.True(cluster["a"].CommitIndex < cluster["a"].Log.LastIndex);
        Assert.False(cluster["l"].IsVoter);
    }
}
