using Mesh.Gossip.Simulation;
using Mesh.Server.Gossip;

namespace Mesh.Server.Tests.Gossip;

/// <summary>Protocol behaviour of a few members, run on the deterministic simulator.</summary>
public sealed class GossipNodeTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private static SimNetwork Pool(int count, int seed = 1, GossipOptions? options = null)
    {
        var network = new SimNetwork(seed, options);
        network.Bootstrap(count, TimeSpan.FromMilliseconds(50), Limit);
        return network;
    }

    [Fact]
    public void Members_that_join_one_another_all_see_everyone_alive_with_metadata()
    {
        var network = Pool(5);

        foreach (var member in network.Members)
        {
            var members = member.Core.Members();
            Assert.Equal(5, members.Count);
            Assert.All(members, other => Assert.Equal(MemberState.Alive, other.State));
            Assert.All(members, other => Assert.Equal("dc1", other.Metadata["dc"]));
        }
    }

    [Fact]
    public void A_killed_member_is_declared_failed_by_everyone_within_the_suspicion_bound()
    {
        var network = Pool(5);
        var victim = network.Members[2];
        var failedAt = new Dictionary<string, TimeSpan>();
        network.OnEvent = (observer, change) =>
        {
            if (change.Kind == MemberEventKind.Failed && change.Member.Name == victim.Name)
            {
                failedAt[observer.Name] = network.Now;
            }
        };
        var killedAt = network.Now;

        network.Kill(victim);

        Assert.True(network.RunUntil(() => network.Live.All(m => m.StateOf(victim.Name) == MemberState.Dead), Limit));
        // Suspicion for 5 members: min 4 s, max 24 s; add probe rounds and dissemination.
        var bound = TimeSpan.FromSeconds(24 + 5);
        Assert.Equal(4, failedAt.Count);
        Assert.All(failedAt.Values, at => Assert.InRange(at - killedAt, TimeSpan.FromSeconds(4), bound));
    }

    [Fact]
    public void A_member_paused_for_less_than_the_suspicion_timeout_refutes_and_is_never_failed()
    {
        var network = Pool(5);
        var sleeper = network.Members[1];
        var failures = 0;
        network.OnEvent = (_, change) => failures += change.Kind == MemberEventKind.Failed ? 1 : 0;
        var before = sleeper.Core.Incarnation;

        // SIGSTOP for 3 s (the minimum suspicion timeout here is 4 s), a few times so that probes do hit the pause.
        for (var i = 0; i < 4; i++)
        {
            network.Pause(sleeper, TimeSpan.FromSeconds(3));
            network.RunFor(TimeSpan.FromSeconds(10));
        }

        Assert.Equal(0, failures);
        Assert.All(network.Members, member => Assert.Equal(MemberState.Alive, member.StateOf(sleeper.Name)));
        Assert.True(sleeper.Observer.Refutations > 0, "the paused member should have refuted a suspicion");
        Assert.True(sleeper.Core.Incarnation > before);
    }

    [Fact]
    public void A_graceful_leave_is_seen_as_left_not_failed()
    {
        var network = Pool(4);
        var leaver = network.Members[3];
        var kinds = new List<MemberEventKind>();
        network.OnEvent = (observer, change) =>
        {
            if (change.Member.Name == leaver.Name && observer != leaver)
            {
                kinds.Add(change.Kind);
            }
        };

        var actions = leaver.Core.Leave();
        Assert.DoesNotContain(actions, action => action is LeaveFinished);
        network.Apply(leaver, actions);
        Assert.True(network.RunUntil(() => network.Members.Take(3).All(m => m.StateOf(leaver.Name) == MemberState.Left), Limit));
        network.RunFor(TimeSpan.FromSeconds(10));

        Assert.Equal([MemberEventKind.Left, MemberEventKind.Left, MemberEventKind.Left], kinds);
        Assert.True(leaver.Core.HasLeft);
    }

    [Fact]
    public void A_metadata_update_reaches_everyone_as_an_update()
    {
        var network = Pool(6);
        var updated = new HashSet<string>();
        network.OnEvent = (observer, change) =>
        {
            if (change.Kind == MemberEventKind.Updated && change.Member.Metadata.TryGetValue("build", out var build) && build == "2.0")
            {
                updated.Add(observer.Name);
            }
        };
        var member = network.Members[0];

        var actions = member.Core.UpdateMetadata(new Dictionary<string, string> { ["role"] = "node", ["dc"] = "dc1", ["build"] = "2.0" });
        Assert.Contains(actions, action => action is NotifyMember { Event.Kind: MemberEventKind.Updated });
        network.Apply(member, actions);

        Assert.True(network.RunUntil(() => updated.Count == 6, Limit));
    }

    [Fact]
    public void A_killed_member_that_restarts_with_the_same_name_rejoins()
    {
        var network = Pool(4);
        var victim = network.Members[1];
        network.Kill(victim);
        Assert.True(network.RunUntil(() => network.Live.All(m => m.StateOf(victim.Name) == MemberState.Dead), Limit));

        var rejoined = new HashSet<string>();
        network.OnEvent = (observer, change) =>
        {
            if (change.Kind == MemberEventKind.Joined && change.Member.Name == victim.Name)
            {
                rejoined.Add(observer.Name);
            }
        };
        var restarted = network.Restart(victim);
        network.Join(restarted, network.Members[0]);

        Assert.True(network.RunUntil(() => network.Live.All(m => m.StateOf(victim.Name) == MemberState.Alive), Limit));
        Assert.Equal(3, rejoined.Count(name => name != victim.Name));
    }

    [Fact]
    public void A_member_that_handles_packets_late_raises_its_health_score()
    {
        var network = Pool(6);
        var slow = network.Members[4];

        slow.ProcessingDelay = TimeSpan.FromMilliseconds(1200);

        Assert.True(network.RunUntil(() => slow.Core.HealthScore > 0, TimeSpan.FromSeconds(30)));
        Assert.All(network.Members.Where(m => m != slow), member => Assert.Equal(0, member.Core.HealthScore));
    }

    [Fact]
    public void Packets_are_lost_but_nobody_is_declared_failed()
    {
        var network = Pool(8, seed: 7);
        var failures = 0;
        network.OnEvent = (_, change) => failures += change.Kind == MemberEventKind.Failed ? 1 : 0;

        network.PacketLoss = 0.2;
        network.RunFor(TimeSpan.FromSeconds(120));

        Assert.Equal(0, failures);
    }

    [Fact]
    public void A_force_leave_turns_a_failed_member_into_a_left_one_everywhere_but_cannot_evict_a_live_one()
    {
        var network = Pool(4);
        var victim = network.Members[3];
        network.Kill(victim);
        Assert.True(network.RunUntil(() => network.Live.All(m => m.StateOf(victim.Name) == MemberState.Dead), Limit));
        var operatorNode = network.Members[0];

        Assert.False(operatorNode.Core.ForceLeave(network.Members[1].Name, out var refused));
        Assert.Empty(refused);
        Assert.True(operatorNode.Core.ForceLeave(victim.Name, out var actions));
        network.Apply(operatorNode, actions);

        Assert.True(network.RunUntil(() => network.Live.All(m => m.StateOf(victim.Name) == MemberState.Left), Limit));
        Assert.Equal(MemberState.Alive, operatorNode.StateOf(network.Members[1].Name));
    }
}
