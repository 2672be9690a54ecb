using System.Diagnostics;
using Mesh.Gossip.Simulation;
using Xunit.Abstractions;

namespace Mesh.Server.Tests.Gossip;

/// <summary>
/// The simulated pool at scale. Bounds follow memberlist's formulas: suspicion lasts between
/// min = SuspicionMult * max(1, log10 N) * ProbeInterval and 6 * min, shortened by independent confirmations.
/// </summary>
public sealed class GossipSimulationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(100, 11)]
    [InlineData(200, 12)]
    public void A_killed_member_is_detected_by_everyone_within_the_memberlist_bound(int members, int seed)
    {
        var clock = Stopwatch.StartNew();
        var result = SimScenarios.Detection(members, seed);
        output.WriteLine($"{result} (wall {clock.Elapsed})");

        // First suspicion within a couple of probe rounds of whoever probes it next.
        Assert.InRange(result.FirstSuspected, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        // Nobody fails it before the minimum suspicion timeout; everyone within the maximum plus dissemination.
        Assert.True(result.FirstFailed >= result.MinSuspicionTimeout, $"failed after {result.FirstFailed}");
        Assert.True(result.AllFailed <= result.MinSuspicionTimeout * 6 + TimeSpan.FromSeconds(5), $"all failed after {result.AllFailed}");
        // With several independent confirmations Lifeguard brings it close to the minimum.
        Assert.True(result.AllFailed <= result.MinSuspicionTimeout * 2 + TimeSpan.FromSeconds(5), $"all failed after {result.AllFailed}");
    }

    [Theory]
    [InlineData(100, 21)]
    [InlineData(200, 22)]
    public void An_update_reaches_everyone_in_a_few_gossip_rounds(int members, int seed)
    {
        var result = SimScenarios.Dissemination(members, seed);
        output.WriteLine(result.ToString());

        // Epidemic spread: fan-out 3 every 200 ms plus piggybacking covers N in about log(N) rounds.
        Assert.True(result.All <= TimeSpan.FromSeconds(3), $"reached everyone after {result.All}");
        Assert.True(result.Half < result.All);
    }

    [Fact]
    public void Without_loss_a_healthy_pool_has_no_suspicions_at_all()
    {
        var result = SimScenarios.FalsePositives(100, 31, packetLoss: 0, slowMembers: 0, TimeSpan.Zero, TimeSpan.FromSeconds(120));
        output.WriteLine(result.ToString());

        Assert.Equal(0, result.FalseFailures);
        Assert.Equal(0, result.SuspectEvents);
    }

    [Fact]
    public void With_five_percent_packet_loss_nobody_is_falsely_declared_failed()
    {
        var result = SimScenarios.FalsePositives(100, 32, packetLoss: 0.05, slowMembers: 0, TimeSpan.Zero, TimeSpan.FromSeconds(120));
        output.WriteLine(result.ToString());

        Assert.Equal(0, result.FalseFailures);
    }

    [Fact]
    public void Slow_members_are_suspected_at_most_but_never_declared_failed()
    {
        // Five members handle everything 700 ms late: past the 500 ms probe timeout, well within suspicion.
        var result = SimScenarios.FalsePositives(100, 33, packetLoss: 0.01, slowMembers: 5, TimeSpan.FromMilliseconds(700), TimeSpan.FromSeconds(120));
        output.WriteLine(result.ToString());

        Assert.Equal(0, result.FalseFailures);
        Assert.True(result.SuspectEvents > 0, "slow members should draw suspicions, which they refute");
        Assert.True(result.Refutations > 0);
        Assert.True(result.MaxHealthScore > 0, "slow members should notice they are the slow ones");
    }
}
