using Mesh.Gossip.Simulation;
using Mesh.Server.Agent.Membership;
using Mesh.Server.Config;
using Mesh.Server.Gossip;

namespace Mesh.Bench;

/// <summary>
/// The gossip rows from the deterministic simulation (tests/Mesh.Gossip.Simulation): the real protocol core for every
/// member on one virtual clock, 1–5 ms latency, no loss, Consul's default LAN settings; one pool per seed and scenario.
/// </summary>
internal static class GossipSimulated
{
    /// <summary>What a Consul client agent gossips about itself, so that messages have their real size.</summary>
    private static readonly IReadOnlyDictionary<string, string> ClientTags =
        MemberTags.For(new AgentConfig { NodeName = "sim", NodeId = Guid.Empty.ToString() });

    public static GossipResult Run(int members, int rounds, GossipOptions settings)
    {
        // One push-pull period: every member's full-state exchange is in the traffic once.
        var window = MemberlistFormulas.PushPullInterval(settings, members);
        // Each seed's pools are independent and deterministic, so they may run side by side.
        var runs = Enumerable.Range(1, rounds).Select(round => members * 100 + round)
            .AsParallel().AsOrdered()
            .Select(seed => (
                Detection: SimScenarios.Detection(members, seed, metadata: ClientTags),
                Join: SimScenarios.Join(members, seed, ClientTags),
                Update: SimScenarios.Dissemination(members, seed, ClientTags, window)))
            .ToList();
        var perMember = runs.Select(run => run.Update.BytesPerMemberPerSecond + run.Update.StreamBytesPerMemberPerSecond).ToList();
        return new GossipResult(
            members,
            Percentiles.Of(runs.Select(run => run.Detection.AllFailed.TotalSeconds)),
            Catalog: null,
            Percentiles.Of(runs.Select(run => run.Join.All.TotalSeconds)),
            JoinFromStart: null,
            Percentiles.Of(runs.Select(run => run.Update.All.TotalSeconds)),
            new GossipTraffic(
                runs.Average(run => run.Update.BytesPerMemberPerSecond),
                runs.Average(run => run.Update.StreamBytesPerMemberPerSecond),
                perMember.Min(),
                perMember.Max(),
                window));
    }
}
