using System.Diagnostics;
using System.Globalization;
using Mesh.Gossip.Simulation;
using Mesh.Server.Gossip;
using Xunit.Abstractions;

namespace Mesh.Server.Tests.Gossip;

/// <summary>
/// Detection and dissemination time versus N, printed as a table. Sizes come from MESH_GOSSIP_SIM_SIZES
/// (comma-separated; default 50,100 so the suite stays quick), e.g. MESH_GOSSIP_SIM_SIZES=100,200,500,1000.
/// </summary>
public sealed class GossipSimulationReport(ITestOutputHelper output)
{
    [Fact]
    public void Detection_and_dissemination_versus_pool_size()
    {
        var sizes = (Environment.GetEnvironmentVariable("MESH_GOSSIP_SIM_SIZES") ?? "50,100")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(size => int.Parse(size, CultureInfo.InvariantCulture));
        output.WriteLine("N     suspicion-min  first-suspect  first-failed  all-failed  update-half  update-all  pkts/s/member  bytes/s/member  wall");
        foreach (var size in sizes)
        {
            var clock = Stopwatch.StartNew();
            var detection = SimScenarios.Detection(size, seed: size);
            var dissemination = SimScenarios.Dissemination(size, seed: size + 1);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{size,-5} {detection.MinSuspicionTimeout.TotalSeconds,13:F1}s {detection.FirstSuspected.TotalSeconds,13:F2}s {detection.FirstFailed.TotalSeconds,12:F2}s {detection.AllFailed.TotalSeconds,10:F2}s {dissemination.Half.TotalSeconds,11:F2}s {dissemination.All.TotalSeconds,10:F2}s {dissemination.PacketsPerMemberPerSecond,14:F1} {dissemination.BytesPerMemberPerSecond,15:F0} {clock.Elapsed.TotalSeconds,5:F0}s"));

            Assert.True(detection.AllFailed <= detection.MinSuspicionTimeout * 6 + TimeSpan.FromSeconds(5));
            Assert.True(dissemination.All <= TimeSpan.FromSeconds(5));
        }
    }

    [Fact]
    public void False_positives_under_loss_and_with_slow_members_with_and_without_lifeguard()
    {
        var sizes = (Environment.GetEnvironmentVariable("MESH_GOSSIP_SIM_SIZES") ?? "50")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(size => int.Parse(size, CultureInfo.InvariantCulture));
        // Lifeguard off: no local health awareness, and the suspicion timeout fixed at its minimum.
        var withoutLifeguard = new GossipOptions { AwarenessMaxMultiplier = 1, SuspicionMaxTimeoutMult = 1 };
        var duration = TimeSpan.FromSeconds(120);
        output.WriteLine("N     scenario                          lifeguard  false-failed  suspect-events  refutations  healthy-suspected  max-health");
        foreach (var size in sizes)
        {
            var slow = Math.Max(1, size / 20);
            var runs = new (string Scenario, bool Lifeguard, FalsePositiveResult Result)[]
            {
                ("5% loss", true, SimScenarios.FalsePositives(size, size, 0.05, 0, TimeSpan.Zero, duration)),
                ("5% loss", false, SimScenarios.FalsePositives(size, size, 0.05, 0, TimeSpan.Zero, duration, withoutLifeguard)),
                ($"{slow} slow (1.5 s late), 1% loss", true, SimScenarios.FalsePositives(size, size, 0.01, slow, TimeSpan.FromMilliseconds(1500), duration)),
                ($"{slow} slow (1.5 s late), 1% loss", false, SimScenarios.FalsePositives(size, size, 0.01, slow, TimeSpan.FromMilliseconds(1500), duration, withoutLifeguard)),
            };
            foreach (var (scenario, lifeguard, result) in runs)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{size,-5} {scenario,-33} {(lifeguard ? "on" : "off"),-10} {result.FalseFailures,12} {result.SuspectEvents,15} {result.Refutations,12} {result.HealthySuspected,18} {result.MaxHealthScore,11}"));
            }
            Assert.All(runs.Where(run => run.Lifeguard), run => Assert.Equal(0, run.Result.FalseFailures));
        }
    }
}
