using Mesh.Server.Consensus;
using static Mesh.Server.Tests.Consensus.RaftTestKit;

namespace Mesh.Server.Tests.Consensus;

/// <summary>Linearizable reads: ReadIndex (Raft §6.4) and the leader lease (§6.4.1).</summary>
public sealed class ReadTests
{
    [Fact]
    public void ReadIndexWaitsForAQuorumRoundStartedAfterTheRead()
    {
        var (leader, _) = Leader(options: Full);
        leader.Receive(new AppendResponse("b", "a", 2, true, 2, 0, 0, 1));
        Assert.Equal(2UL, leader.CommitIndex);

        var actions = leader.Step(new ReadRequest(1, ReadConsistency.ReadIndex));
        Assert.Empty(actions.OfType<ReadReady>());
        var round = actions.Sent<HeartbeatRequest>().Select(h => h.Round).Distinct().Single();

        Assert.Empty(leader.Receive(new HeartbeatResponse("b", "a", 2, round - 1)).OfType<ReadReady>());
        var ready = Assert.Single(leader.Receive(new HeartbeatResponse("c", "a", 2, round)).OfType<ReadReady>());
        Assert.Equal((1L, 2UL), (ready.RequestId, ready.Index));
    }

    [Fact]
    public void ReadsWaitUntilTheNewLeaderCommittedItsNoOp()
    {
        var (leader, _) = Leader(options: Full);

        var early = leader.Step(new ReadRequest(1, ReadConsistency.ReadIndex));
        Assert.Empty(early.OfType<ReadReady>());
        Assert.Empty(early.Sent<HeartbeatRequest>());

        var committed = leader.Receive(new AppendResponse("b", "a", 2, true, 2, 0, 0, 1));
        var round = committed.Sent<HeartbeatRequest>().Select(h => h.Round).Distinct().Single();
        var ready = Assert.Single(leader.Receive(new HeartbeatResponse("b", "a", 2, round)).OfType<ReadReady>());
        Assert.Equal(2UL, ready.Index);
    }

    [Fact]
    public void LeaseReadIsServedAtOnceWhileAQuorumAnsweredRecently()
    {
        var (leader, _) = Leader(options: Full);
        leader.Receive(new AppendResponse("b", "a", 2, true, 2, 0, 0, 1));

        var ready = Assert.Single(leader.Step(new ReadRequest(1, ReadConsistency.Lease)).OfType<ReadReady>());

        Assert.Equal(2UL, ready.Index);
        Assert.True(leader.LeaseValid);
    }

    [Fact]
    public void LeaseExpiresWithoutFreshAnswersAndReadsFallBackToAQuorumRound()
    {
        var (leader, _) = Leader(options: Full);
        leader.Receive(new AppendResponse("b", "a", 2, true, 2, 0, 0, 1));

        for (var i = 0; i < Full.LeaseTicks; i++)
        {
            leader.Step(Tick.Instance);
        }

        Assert.False(leader.LeaseValid);
        var actions = leader.Step(new ReadRequest(1, ReadConsistency.Lease));
        Assert.Empty(actions.OfType<ReadReady>());
        Assert.NotEmpty(actions.Sent<HeartbeatRequest>());
    }

    [Fact]
    public void LeaseIsNeverTrustedAfterATimeoutNowWasSent()
    {
        var (leader, _) = Leader(options: Full);
        leader.Receive(new AppendResponse("b", "a", 2, true, 2, 0, 0, 1));
        leader.Receive(new AppendResponse("c", "a", 2, true, 2, 0, 0, 1));
        Assert.True(leader.LeaseValid);

        Assert.Single(leader.Step(new TransferLeadership(1, "b")).Sent<TimeoutNowRequest>());
        // The transfer times out and the followers keep answering every round, yet the lease stays off.
        for (var i = 0; i < ElectionTicks + 1; i++)
        {
            foreach (var heartbeat in leader.Step(Tick.Instance).Sent<HeartbeatRequest>())
            {
                leader.Receive(new HeartbeatResponse(heartbeat.To, "a", 2, heartbeat.Round));
            }
        }

        Assert.Equal(RaftRole.Leader, leader.Role);
        Assert.False(leader.LeaseValid);
        Assert.Empty(leader.Step(new ReadRequest(2, ReadConsistency.Lease)).OfType<ReadReady>());
    }

    [Fact]
    public void FollowerRefusesReadsAndNamesTheLeader()
    {
        var node = Node("b", ["a", "b", "c"], term: 2, options: Full);
        node.Receive(new HeartbeatRequest("a", "b", 2, 0, 1));

        var rejected = Assert.Single(node.Step(new ReadRequest(5, ReadConsistency.ReadIndex)).OfType<RequestRejected>());

        Assert.Equal((RejectReason.NotLeader, "a"), (rejected.Reason, rejected.LeaderId));
    }

    [Fact]
    public void PendingReadsFailWhenTheLeaderStepsDown()
    {
        var (leader, _) = Leader(options: Full);
        leader.Receive(new AppendResponse("b", "a", 2, true, 2, 0, 0, 1));
        leader.Step(new ReadRequest(1, ReadConsistency.ReadIndex));

        var actions = leader.Receive(new HeartbeatResponse("b", "a", 9, 0));

        Assert.Contains(actions, a => a is RequestRejected { RequestId: 1, Reason: RejectReason.NotLeader });
    }
}
