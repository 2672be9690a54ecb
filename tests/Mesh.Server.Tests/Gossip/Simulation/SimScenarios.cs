using Mesh.Server.Gossip;

namespace Mesh.Server.Tests.Gossip.Simulation;

/// <summary>Detection time of a killed member, measured from the kill.</summary>
internal sealed record DetectionResult(int Members, TimeSpan FirstSuspected, TimeSpan FirstFailed, TimeSpan AllFailed, TimeSpan MinSuspicionTimeout);

/// <summary>Time for a metadata update to reach every member.</summary>
internal sealed record DisseminationResult(int Members, TimeSpan Half, TimeSpan All, double PacketsPerMemberPerSecond, double BytesPerMemberPerSecond);

/// <summary>Wrong verdicts about members that were up all along.</summary>
/// <summary>
/// <paramref name="SuspectEvents"/> sums suspicions over observers; <paramref name="Refutations"/> counts episodes;
/// <paramref name="HealthySuspected"/> counts episodes (member, incarnation) where a member that was not slow was suspected.
/// </summary>
internal sealed record FalsePositiveResult(
    int Members, TimeSpan Duration, int FalseFailures, int SuspectEvents, int Refutations, int HealthySuspected, int MaxHealthScore);

/// <summary>The measured scenarios, each on a fresh pool built with the same seed.</summary>
internal static class SimScenarios
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);

    public static SimNetwork Pool(int members, int seed, GossipOptions? options = null)
    {
        var network = new SimNetwork(seed, options);
        // Joins spread over a few seconds, as a pool of real agents starting up.
        network.Bootstrap(members, TimeSpan.FromMilliseconds(10), Limit);
        return network;
    }

    public static DetectionResult Detection(int members, int seed, double packetLoss = 0)
    {
        var network = Pool(members, seed);
        network.PacketLoss = packetLoss;
        var victim = network.Members[members / 2];
        var killedAt = network.Now;
        TimeSpan? suspected = null;
        TimeSpan? failed = null;
        var failedBy = 0;
        network.OnEvent = (_, change) =>
        {
            if (change.Member.Name != victim.Name)
            {
                return;
            }
            if (change.Kind == MemberEventKind.Suspected)
            {
                suspected ??= network.Now - killedAt;
            }
            if (change.Kind == MemberEventKind.Failed)
            {
                failed ??= network.Now - killedAt;
                failedBy++;
            }
        };
        network.Kill(victim);
        if (!network.RunUntil(() => failedBy == members - 1, Limit, TimeSpan.FromMilliseconds(50)))
        {
            throw new InvalidOperationException($"only {failedBy} of {members - 1} declared the killed member failed");
        }
        var min = GossipMath.SuspicionTimeout(4, members, TimeSpan.FromSeconds(1));
        return new DetectionResult(members, suspected!.Value, failed!.Value, network.Now - killedAt, min);
    }

    public static DisseminationResult Dissemination(int members, int seed)
    {
        var network = Pool(members, seed);
        // Let the join broadcasts drain so that the traffic measured afterwards is the steady state.
        network.RunFor(TimeSpan.FromSeconds(30));
        var source = network.Members[members / 3];
        var reached = 0;
        TimeSpan? half = null;
        var start = network.Now;
        var packets = network.PacketsSent;
        var bytes = network.BytesSent;
        network.OnEvent = (_, change) =>
        {
            if (change.Kind == MemberEventKind.Updated && change.Member.Name == source.Name && change.Member.Metadata.ContainsKey("build"))
            {
                reached++;
                if (reached >= members / 2)
                {
                    half ??= network.Now - start;
                }
            }
        };
        network.Apply(source, source.Core.UpdateMetadata(new Dictionary<string, string> { ["role"] = "node", ["dc"] = "dc1", ["build"] = "2" }));
        if (!network.RunUntil(() => reached == members, Limit, TimeSpan.FromMilliseconds(5)))
        {
            throw new InvalidOperationException($"the update reached only {reached} of {members}");
        }
        var all = network.Now - start;
        // Background traffic: ten quiet seconds, per member.
        packets = network.PacketsSent;
        bytes = network.BytesSent;
        network.RunFor(TimeSpan.FromSeconds(10));
        return new DisseminationResult(
            members, half!.Value, all,
            (network.PacketsSent - packets) / 10.0 / members,
            (network.BytesSent - bytes) / 10.0 / members);
    }

    /// <summary>
    /// Runs a healthy pool under <paramref name="packetLoss"/>, with <paramref name="slowMembers"/> of them handling
    /// every input <paramref name="slowDelay"/> late, and counts failures declared about members that were up.
    /// </summary>
    public static FalsePositiveResult FalsePositives(
        int members, int seed, double packetLoss, int slowMembers, TimeSpan slowDelay, TimeSpan duration, GossipOptions? options = null)
    {
        var network = Pool(members, seed, options);
        var falseFailures = 0;
        var slow = new HashSet<string>();
        var healthySuspected = new HashSet<(string, uint)>();
        network.OnEvent = (_, change) =>
        {
            falseFailures += change.Kind == MemberEventKind.Failed ? 1 : 0;
            if (change.Kind == MemberEventKind.Suspected && !slow.Contains(change.Member.Name))
            {
                healthySuspected.Add((change.Member.Name, change.Member.Incarnation));
            }
        };
        var baseSuspicions = network.Members.Sum(member => member.Observer.Suspicions);
        var baseRefutations = network.Members.Sum(member => member.Observer.Refutations);
        network.PacketLoss = packetLoss;
        for (var i = 0; i < slowMembers; i++)
        {
            var member = network.Members[i * (members / Math.Max(1, slowMembers))];
            member.ProcessingDelay = slowDelay;
            slow.Add(member.Name);
        }
        var maxHealth = 0;
        var end = network.Now + duration;
        while (network.Now < end)
        {
            network.RunFor(TimeSpan.FromSeconds(1));
            maxHealth = Math.Max(maxHealth, network.Members.Max(member => member.Core.HealthScore));
        }
        return new FalsePositiveResult(
            members, duration, falseFailures,
            network.Members.Sum(member => member.Observer.Suspicions) - baseSuspicions,
            network.Members.Sum(member => member.Observer.Refutations) - baseRefutations,
            healthySuspected.Count, maxHealth);
    }
}
