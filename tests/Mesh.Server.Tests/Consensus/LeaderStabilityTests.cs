using Mesh.Server.Consensus;
using static Mesh.Server.Tests.Consensus.RaftTestKit;

namespace Mesh.Server.Tests.Consensus;

/// <summary>Pre-vote, leader stickiness and check-quorum (Raft thesis §4.2.3, §6.2, §9.6).</summary>
public sealed class LeaderStabilityTests
{
    [Fact]
    public void PreVoteChangesNobodysTerm()
    {
        var node = Node("a", ["a", "b", "c"], term: 4, options: Full);

        var actions = node.TickUntil(() => node.Role == RaftRole.PreCandidate, 3 * ElectionTicks);

        Assert.Equal(4UL, node.Term);
        Assert.DoesNotContain(actions, a => a is Persist);
        var requests = actions.Sent<VoteRequest>();
        Assert.All(requests, r => Assert.Equal((5UL, true), (r.Term, r.PreVote)));
        var voter = Node("c", ["a", "b", "c"], term: 4, options: Full with { CheckQuorum = false });
        var response = Assert.Single(voter.Receive(requests.First(r => r.To == "c")).Sent<VoteResponse>());
        Assert.Equal((true, 5UL), (response.Granted, response.Term));
        Assert.Equal(4UL, voter.Term);
        Assert.Null(voter.VotedFor);
    }

    [Fact]
    public void PreCandidateBecomesCandidateOnlyWithAQuorumOfPreVotes()
    {
        var node = Node("a", ["a", "b", "c"], term: 4, options: Full);
        node.TickUntil(() => node.Role == RaftRole.PreCandidate, 3 * ElectionTicks);

        var actions = node.Receive(new VoteResponse("b", "a", 5, true, PreVote: true));

        Assert.Equal(RaftRole.Candidate, node.Role);
        Assert.Equal(5UL, node.Term);
        Assert.Empty(actions.Sent<VoteRequest>());
        Assert.All(node.Persisted(actions).Sent<VoteRequest>(), r => Assert.False(r.PreVote));
    }

    [Fact]
    public void RejoiningServerDoesNotDisruptAHealthyLeader()
    {
        var cluster = new TestCluster(Full, "a", "b", "c");
        cluster.TickAll(3 * ElectionTicks);
        var leader = Assert.IsType<string>(cluster.Leader);
        var term = cluster[leader].Term;
        var loner = new[] { "a", "b", "c" }.First(id => id != leader);

        // Cut off, it keeps timing out; with pre-vote it never raises its term.
        cluster.Isolate(loner);
        for (var i = 0; i < 5 * ElectionTicks; i++)
        {
            cluster.TickAll();
        }
        Assert.Equal(term, cluster[loner].Term);
        cluster.Heal();
        cluster.TickAll(3 * ElectionTicks);

        Assert.Equal(leader, cluster.Leader);
        Assert.Equal(term, cluster[leader].Term);
    }

    [Fact]
    public void FollowerThatHeardFromTheLeaderIgnoresCandidatesOfHigherTerms()
    {
        var node = Node("b", ["a", "b", "c"], term: 2, options: Full);
        node.Receive(new HeartbeatRequest("a", "b", 2, 0, 1));

        var ignored = node.Receive(new VoteRequest("c", "b", 3, 9, 2, PreVote: false, Transfer: false));

        Assert.Empty(ignored);
        Assert.Equal(2UL, node.Term);
        Assert.Equal("a", node.LeaderId);

        // A leadership transfer is the exception: the old leader asked for it.
        var transfer = node.Receive(new VoteRequest("c", "b", 3, 9, 2, PreVote: false, Transfer: true));
        Assert.Equal(3UL, node.Term);
        Assert.True(Assert.Single(node.Persisted(transfer).Sent<VoteResponse>()).Granted);
    }

    [Fact]
    public void FreshlyStartedServerWaitsAnElectionTimeoutBeforeVoting()
    {
        var node = Node("b", ["a", "b", "c"], term: 2, options: Full);
        var request = new VoteRequest("c", "b", 3, 9, 2, PreVote: false, Transfer: false);

        Assert.Empty(node.Receive(request));

        for (var i = 0; i < ElectionTicks; i++)
        {
            node.Step(Tick.Instance);
        }
        Assert.NotEmpty(node.Receive(request));
    }

    [Fact]
    public void LeaderWithoutQuorumContactStepsDownWithinTwoElectionTimeouts()
    {
        var cluster = new TestCluster(Full, "a", "b", "c");
        cluster.TickAll(3 * ElectionTicks);
        var leader = Assert.IsType<string>(cluster.Leader);

        cluster.Isolate(leader);
        var ticks = 0;
        while (cluster[leader].Role == RaftRole.Leader && ticks < 5 * ElectionTicks)
        {
            cluster.Tick(leader);
            ticks++;
        }

        Assert.Equal(RaftRole.Follower, cluster[leader].Role);
        Assert.InRange(ticks, ElectionTicks, 2 * ElectionTicks);
    }

    [Fact]
    public void LeaderInContactWithAQuorumStays()
    {
        var cluster = new TestCluster(Full, "a", "b", "c");
        cluster.TickAll(3 * ElectionTicks);
        var leader = Assert.IsType<string>(cluster.Leader);
        var term = cluster[leader].Term;
        cluster.Isolate(new[] { "a", "b", "c" }.First(id => id != leader));

        cluster.TickAll(10 * ElectionTicks);

        Assert.Equal(leader, cluster.Leader);
        Assert.Equal(term, cluster[leader].Term);
    }

    [Fact]
    public void DeposedLeaderLearnsTheNewTermFromAnyFollower()
    {
        var node = Node("b", ["a", "b", "c"], term: 5, options: Full);

        var answer = Assert.Single(node.Receive(new AppendRequest("a", "b", 3, 1, 1, [], 0, 1)).Sent<HeartbeatResponse>());

        Assert.Equal(5UL, answer.Term);
    }
}
