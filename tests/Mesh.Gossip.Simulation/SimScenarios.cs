using Mesh.Server.Gossip;

namespace Mesh.Gossip.Simulation;

/// <summary>Detection time of a killed member, measured from the kill.</summary>
public sealed record DetectionResult(int Members, TimeSpan FirstSuspected, TimeSpan FirstFailed, TimeSpan AllFailed, TimeSpan MinSuspicionTimeout);

/// <summary>
/// Time for a metadata update to reach every member, and the pool's background traffic per member before it:
/// <paramref name="BytesPerMemberPerSecond"/> in datagrams, <paramref name="StreamBytesPerMemberPerSecond"/> on streams.
/// </summary>
public sealed record DisseminationResult(
    int Members, TimeSpan Half, TimeSpan All, double PacketsPerMemberPerSecond, double BytesPerMemberPerSecond, double StreamBytesPerMemberPerSecond);

/// <summary>Time from a new member's join (to one member) until every other member has it alive.</summary>
public sealed record JoinResult(int Members, TimeSpan Half, TimeSpan All);

/// <summary>
/// Wrong verdicts about members that were up all along.
/// <paramref name="SuspectEvents"/> sums suspicions over observers; <paramref name="Refutations"/> counts episodes;
/// <paramref name="HealthySuspected"/> counts episodes (member, incarnation) where a member that was not slow was suspected.
/// </summary>
public sealed record FalsePositiveResult(
    int Members, TimeSpan Duration, int FalseFailures, int SuspectEvents, int Refutations, int HealthySuspected, int MaxHealthScore);

/// <summary>The measured scenarios, each on a fresh pool built with the same seed.</summary>
public static class SimScenarios
{
    /// <summary>The metadata key an update adds, so that its arrival can be told from other changes.</summary>
    private const string UpdatedKey = "rev";

    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);

    /// <summary>Quiet time after a pool has formed, so that its join broadcasts have drained before a measurement.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);

    public static SimNetwork Pool(int members, int seed, GossipOptions? options = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var network = metadata is null ? new SimNetwork(seed, options) : new SimNetwork(seed, options) { Metadata = metadata };
        // Joins spread over a few seconds, as a pool of real agents starting up.
        network.Bootstrap(members, TimeSpan.FromMilliseconds(10), Limit);
        return network;
    }

    public static DetectionResult Detection(int members, int seed, double packetLoss = 0, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var network = Pool(members, seed, metadata: metadata);
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

    /// <summary>
    /// Measures <paramref name="quiet"/> (default 10 s) of background traffic once the pool has settled, then how long a
    /// metadata update of one member takes to reach all of them.
    /// </summary>
    public static DisseminationResult Dissemination(int members, int seed, IReadOnlyDictionary<string, string>? metadata = null, TimeSpan? quiet = null)
    {
        var network = Pool(members, seed, metadata: metadata);
        // Let the join broadcasts drain so that the traffic measured is the steady state.
        network.RunFor(Settle);
        var window = quiet ?? TimeSpan.FromSeconds(10);
        var packets = network.PacketsSent;
        var bytes = network.BytesSent;
        var streamBytes = network.StreamBytesSent;
        network.RunFor(window);
        var perMemberPerSecond = window.TotalSeconds * members;

        var source = network.Members[members / 3];
        var reached = 0;
        TimeSpan? half = null;
        var start = network.Now;
        network.OnEvent = (_, change) =>
        {
            if (change.Kind == MemberEventKind.Updated && change.Member.Name == source.Name && change.Member.Metadata.ContainsKey(UpdatedKey))
            {
                reached++;
                if (reached >= members / 2)
                {
                    half ??= network.Now - start;
                }
            }
        };
        var updated = new Dictionary<string, string>(source.Core.Metadata) { [UpdatedKey] = "2" };
        network.Apply(source, source.Core.UpdateMetadata(updated));
        if (!network.RunUntil(() => reached == members, Limit, TimeSpan.FromMilliseconds(5)))
        {
            throw new InvalidOperationException($"the update reached only {reached} of {members}");
        }
        return new DisseminationResult(
            members, half!.Value, network.Now - start,
            (network.PacketsSent - packets) / perMemberPerSecond,
            (network.BytesSent - bytes) / perMemberPerSecond,
            (network.StreamBytesSent - streamBytes) / perMemberPerSecond);
    }

    /// <summary>A settled pool of <paramref name="members"/> − 1; then one more joins through the first, as agents -retry-join a server.</summary>
    public static JoinResult Join(int members, int seed, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var network = Pool(members - 1, seed, metadata: metadata);
        network.RunFor(Settle);
        var start = network.Now;
        var joiner = network.AddMember();
        var reached = 0;
        TimeSpan? half = null;
        network.OnEvent = (observer, change) =>
        {
            if (change.Kind == MemberEventKind.Joined && change.Member.Name == joiner.Name && observer != joiner)
            {
                reached++;
                if (reached >= (members - 1) / 2)
                {
                    half ??= network.Now - start;
                }
            }
        };
        network.Join(joiner, network.Members[0]);
        if (!network.RunUntil(() => reached == members - 1, Limit, TimeSpan.FromMilliseconds(5)))
        {
            throw new InvalidOperationException($"the new member reached only {reached} of {members - 1}");
        }
        return new JoinResult(members, half!.Value, network.Now - start);
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
