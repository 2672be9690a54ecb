using Mesh.Server.Consensus;
using static Mesh.Server.Tests.Consensus.RaftTestKit;

namespace Mesh.Server.Tests.Consensus;

/// <summary>RequestVote rules of Raft figure 2 and §5.2/§5.4.1, and the randomized election timeout.</summary>
public sealed class ElectionTests
{
    [Fact]
    public void GrantsVoteToCandidateWithUpToDateLogOnlyOnceDurable()
    {
        var node = Node("b", ["a", "b", "c"], term: 1, logTerms: [1, 1]);

        var actions = node.Receive(new VoteRequest("a", "b", 2, 2, 1, PreVote: false, Transfer: false));

        Assert.Empty(actions.Sent<VoteResponse>());
        Assert.Equal(new HardState(2, "a"), Assert.Single(actions.OfType<Persist>()).HardState);
        var vote = Assert.Single(node.Persisted(actions).Sent<VoteResponse>());
        Assert.True(vote.Granted);
        Assert.Equal(2UL, vote.Term);
    }

    [Fact]
    public void RefusesCandidateWhoseLastTermIsOlder()
    {
        var node = Node("b", ["a", "b", "c"], term: 2, logTerms: [1, 2]);

        var actions = node.Receive(new VoteRequest("a", "b", 3, 5, 1, PreVote: false, Transfer: false));

        var vote = Assert.Single(node.Persisted(actions).Sent<VoteResponse>());
        Assert.False(vote.Granted);
        Assert.Equal(3UL, node.Term);
        Assert.Null(node.VotedFor);
    }

    [Fact]
    public void RefusesCandidateWithShorterLogInTheSameLastTerm()
    {
        var node = Node("b", ["a", "b", "c"], term: 2, logTerms: [1, 2, 2]);

        var actions = node.Receive(new VoteRequest("a", "b", 3, 2, 2, PreVote: false, Transfer: false));

        Assert.False(Assert.Single(node.Persisted(actions).Sent<VoteResponse>()).Granted);
    }

    [Fact]
    public void VotesAtMostOncePerTermButRepeatsItsVote()
    {
        var node = Node("c", ["a", "b", "c"], term: 1);
        node.Persisted(node.Receive(new VoteRequest("a", "c", 2, 1, 1, PreVote: false, Transfer: false)));

        var other = node.Receive(new VoteRequest("b", "c", 2, 1, 1, PreVote: false, Transfer: false));
        var again = node.Receive(new VoteRequest("a", "c", 2, 1, 1, PreVote: false, Transfer: false));

        Assert.False(Assert.Single(other.Sent<VoteResponse>()).Granted);
        Assert.True(Assert.Single(again.Sent<VoteResponse>()).Granted);
        Assert.Equal("a", node.VotedFor);
    }

    [Fact]
    public void RefusesCandidateOfStaleTermAndTellsItTheCurrentTerm()
    {
        var node = Node("b", ["a", "b", "c"], term: 5);

        var vote = Assert.Single(node.Receive(new VoteRequest("a", "b", 4, 9, 4, PreVote: false, Transfer: false)).Sent<VoteResponse>());

        Assert.False(vote.Granted);
        Assert.Equal(5UL, vote.Term);
        Assert.Equal(5UL, node.Term);
    }

    [Fact]
    public void AnyMessageWithHigherTermTurnsLeaderIntoFollower()
    {
        var (leader, _) = Leader();
        var term = leader.Term;

        var actions = leader.Receive(new HeartbeatResponse("c", "a", term + 3, 0));

        Assert.Equal(RaftRole.Follower, leader.Role);
        Assert.Equal(term + 3, leader.Term);
        Assert.Null(leader.VotedFor);
        Assert.Contains(actions, a => a is Persist { HardState.Term: var t } && t == term + 3);
        Assert.Contains(actions, a => a is RoleChanged { Role: RaftRole.Follower });
    }

    [Fact]
    public void CandidateAsksForVotesOnlyOnceItsTermAndSelfVoteAreDurable()
    {
        var node = Node("a", ["a", "b", "c"], term: 1);

        var actions = node.TickUntil(() => node.Role == RaftRole.Candidate);

        Assert.Empty(actions.Sent<VoteRequest>());
        Assert.Equal(new HardState(2, "a"), Assert.Single(actions.OfType<Persist>()).HardState);
        var requests = node.Persisted(actions).Sent<VoteRequest>();
        Assert.Equal(["b", "c"], requests.Select(r => r.To).Order());
        Assert.All(requests, r => Assert.Equal((2UL, 1UL, 1UL, false), (r.Term, r.LastLogIndex, r.LastLogTerm, r.PreVote)));
    }

    [Fact]
    public void ElectionTimeoutIsRandomizedBetweenOneAndTwoElectionTimeouts()
    {
        var waits = new HashSet<int>();
        for (var seed = 0; seed < 40; seed++)
        {
            var node = new RaftNode("a", Plain, PersistentState.Bootstrap(Voters("a", "b", "c")), new Random(seed));
            var ticks = 0;
            while (node.Role == RaftRole.Follower)
            {
                node.Step(Tick.Instance);
                ticks++;
            }
            Assert.InRange(ticks, ElectionTicks, 2 * ElectionTicks - 1);
            waits.Add(ticks);
        }
        Assert.True(waits.Count > 3, "the timeouts should vary");
    }

    [Fact]
    public void WinnerBecomesLeaderAndAppendsNoOpOfItsTerm()
    {
        var (leader, actions) = Leader(logTerms: [1, 1]);

        Assert.Equal(3UL, leader.Log.LastIndex);
        Assert.Equal(EntryKind.NoOp, leader.Log.EntryAt(3).Kind);
        Assert.Equal(leader.Term, leader.Log.EntryAt(3).Term);
        Assert.Contains(actions.Sent<AppendRequest>(), a => a.To == "b" && a.Entries.Any(e => e.Kind == EntryKind.NoOp));
        Assert.Contains(actions, a => a is RoleChanged { Role: RaftRole.Leader, LeaderId: "a" });
    }

    [Fact]
    public void CandidateLosesWhenAMajorityRefuses()
    {
        var node = Node("a", ["a", "b", "c"], term: 1);
        node.Persisted(node.TickUntil(() => node.Role == RaftRole.Candidate));

        node.Receive(new VoteResponse("b", "a", 2, false, false));
        Assert.Equal(RaftRole.Candidate, node.Role);
        node.Receive(new VoteResponse("c", "a", 2, false, false));

        Assert.Equal(RaftRole.Follower, node.Role);
        Assert.Equal(2UL, node.Term);
    }

    [Fact]
    public void CandidateStepsDownOnAppendFromLeaderOfItsTerm()
    {
        var node = Node("a", ["a", "b", "c"], term: 1);
        node.Persisted(node.TickUntil(() => node.Role == RaftRole.Candidate));

        node.Receive(new AppendRequest("b", "a", 2, 1, 1, [], 0, 1));

        Assert.Equal(RaftRole.Follower, node.Role);
        Assert.Equal("b", node.LeaderId);
        Assert.Equal(2UL, node.Term);
    }

    [Fact]
    public void VotesFromNonVotersDoNotCount()
    {
        var node = Node("a", ["a", "b", "c"], term: 1);
        node.Persisted(node.TickUntil(() => node.Role == RaftRole.Candidate));

        node.Receive(new VoteResponse("x", "a", 2, true, false));

        Assert.Equal(RaftRole.Candidate, node.Role);
    }

    [Fact]
    public void LearnersNeverCampaign()
    {
        var configuration = new ClusterConfiguration([
            new RaftMember("a", "a:8300", MemberRole.Voter), new RaftMember("l", "l:8300", MemberRole.Learner)]);
        var learner = new RaftNode("l", Plain, PersistentState.Bootstrap(configuration), new Random(1));

        for (var i = 0; i < 20 * ElectionTicks; i++)
        {
            Assert.DoesNotContain(learner.Step(Tick.Instance), a => a is Persist or Send);
        }
        Assert.Equal(RaftRole.Follower, learner.Role);
    }

    [Fact]
    public void SingleVoterElectsItselfAndCommitsOnceDurable()
    {
        var node = new RaftNode("a", Plain, PersistentState.Bootstrap(Voters("a")), new Random(1));
        var actions = node.TickUntil(() => node.Role == RaftRole.Leader);
        Assert.Equal(0UL, node.CommitIndex);

        // Term, vote and no-op share one persist.
        var persist = Assert.Single(actions.OfType<Persist>());
        Assert.Equal(new HardState(2, "a"), persist.HardState);
        Assert.Equal(EntryKind.NoOp, Assert.Single(persist.Entries).Kind);
        var applied = node.Persisted(actions);

        Assert.Equal(2UL, node.CommitIndex);
        Assert.Equal([1UL, 2UL], Assert.Single(applied.OfType<ApplyEntries>()).Entries.Select(e => e.Index));
    }
}
