using Mesh.Server.Consensus;
using static Mesh.Server.Tests.Consensus.RaftTestKit;

namespace Mesh.Server.Tests.Consensus;

/// <summary>Leadership transfer (Raft thesis §3.10).</summary>
public sealed class TransferTests
{
    [Fact]
    public void TransferToCaughtUpVoterMakesItLeader()
    {
        var cluster = new TestCluster(Full, "a", "b", "c");
        cluster.Elect("a");
        cluster.Propose("a", 1);
        cluster.Deliver();

        cluster.Step("a", new TransferLeadership(cluster.NextRequest(), "c"));
        cluster.Deliver();

        Assert.Equal("c", cluster.Leader);
        Assert.Equal(RaftRole.Follower, cluster["a"].Role);
        Assert.Contains(cluster.Delivered, m => m is TimeoutNowRequest { From: "a", To: "c" });
    }

    [Fact]
    public void TransferFirstBringsALaggingTargetUpToDate()
    {
        var cluster = new TestCluster(Full, "a", "b", "c");
        cluster.Elect("a");
        cluster.Isolate("c");
        for (ulong i = 1; i <= 20; i++)
        {
            cluster.Propose("a", i);
        }
        cluster.Deliver();
        cluster.Heal();

        cluster.Step("a", new TransferLeadership(cluster.NextRequest(), "c"));
        // The appends c missed filled its pipeline; the next heartbeat answer restarts replication.
        cluster.Tick("a", 2);

        Assert.Equal("c", cluster.Leader);
        var timeoutNow = cluster.Delivered.FindIndex(m => m is TimeoutNowRequest);
        var lastAppend = cluster.Delivered.FindLastIndex(m => m is AppendResponse { From: "c", To: "a", Success: true });
        Assert.True(lastAppend < timeoutNow, "TimeoutNow must wait until the target holds the whole log");
        Assert.Equal(20, cluster.Applied["c"].Count);
    }

    [Fact]
    public void LeaderRefusesWritesDuringTransferAndResumesWhenItTimesOut()
    {
        var cluster = new TestCluster(Full, "a", "b", "c");
        cluster.Elect("a");
        cluster.Isolate("c");
        cluster.Step("a", new TransferLeadership(cluster.NextRequest(), "c"));

        var request = cluster.Propose("a", 1);
        Assert.Contains(cluster.Actions["a"], a => a is RequestRejected { Reason: RejectReason.TransferInProgress } r && r.RequestId == request);

        cluster.Tick("a", ElectionTicks);
        var later = cluster.Propose("a", 2);
        Assert.Contains(cluster.Actions["a"], a => a is ProposalAccepted p && p.RequestId == later);
        Assert.Equal(RaftRole.Leader, cluster["a"].Role);
    }

    [Fact]
    public void TransferPicksTheMostUpToDateVoterWhenNoTargetIsNamed()
    {
        var cluster = new TestCluster(Full, "a", "b", "c");
        cluster.Elect("a");
        cluster.Isolate("b");
        cluster.Propose("a", 1);
        cluster.Deliver();
        cluster.Heal();

        cluster.Step("a", new TransferLeadership(cluster.NextRequest(), null));
        cluster.Deliver();

        Assert.Equal("c", cluster.Leader);
    }

    [Fact]
    public void TransferToANonVoterOrFromAFollowerIsRefused()
    {
        var cluster = new TestCluster(Full, "a", "b", "c");
        cluster.Elect("a");

        cluster.Step("a", new TransferLeadership(7, "nobody"));
        cluster.Step("b", new TransferLeadership(8, "c"));

        Assert.Contains(cluster.Actions["a"], a => a is RequestRejected { RequestId: 7, Reason: RejectReason.InvalidRequest });
        Assert.Contains(cluster.Actions["b"], a => a is RequestRejected { RequestId: 8, Reason: RejectReason.NotLeader, LeaderId: "a" });
    }
}
