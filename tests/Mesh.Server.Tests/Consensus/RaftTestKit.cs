using Mesh.Server.Consensus;

namespace Mesh.Server.Tests.Consensus;

/// <summary>Builds single cores in a chosen state and reads what they did.</summary>
internal static class RaftTestKit
{
    public const int ElectionTicks = 10;

    /// <summary>Figure 2 alone: no pre-vote, no check-quorum (so no leader stickiness).</summary>
    public static RaftOptions Plain { get; } = new()
    {
        ElectionTicks = ElectionTicks,
        HeartbeatTicks = 1,
        PreVote = false,
        CheckQuorum = false,
        MaxInflightAppends = 4,
        MaxEntriesPerAppend = 8,
        TrailingLogs = 2,
        SnapshotThreshold = 1000,
        SnapshotChunkBytes = 4,
        CatchUpEntries = 0,
    };

    /// <summary>What production runs: pre-vote, check-quorum, leases.</summary>
    public static RaftOptions Full { get; } = Plain with { PreVote = true, CheckQuorum = true, LeaseTicks = 5 };

    public static ClusterConfiguration Voters(params string[] ids) =>
        new(ids.Select(id => new RaftMember(id, id + ":8300", MemberRole.Voter)));

    /// <summary>
    /// A server with the configuration of <paramref name="voters"/> at index 1 and then one command per extra term
    /// in <paramref name="logTerms"/> (logTerms[0] is the term of index 1).
    /// </summary>
    public static RaftNode Node(
        string id, string[] voters, ulong term, string? votedFor = null, ulong[]? logTerms = null, RaftOptions? options = null)
    {
        var terms = logTerms ?? [1];
        var entries = new List<LogEntry> { new(1, terms[0], EntryKind.Configuration, Voters(voters).Encode()) };
        for (var i = 1; i < terms.Length; i++)
        {
            entries.Add(Command((ulong)i + 1, terms[i]));
        }
        return new RaftNode(id, options ?? Plain, new PersistentState(new HardState(term, votedFor), null, entries), new Random(7));
    }

    public static LogEntry Command(ulong index, ulong term) => new(index, term, EntryKind.Command, [(byte)index, (byte)term]);

    public static IReadOnlyList<RaftAction> Receive(this RaftNode node, RaftMessage message) => node.Step(new Receive(message));

    public static List<T> Sent<T>(this IEnumerable<RaftAction> actions) where T : RaftMessage =>
        [.. actions.OfType<Send>().Select(s => s.Message).OfType<T>()];

    /// <summary>Completes the one persist among <paramref name="actions"/> and returns what that released.</summary>
    public static IReadOnlyList<RaftAction> Persisted(this RaftNode node, IEnumerable<RaftAction> actions) =>
        node.Step(new PersistCompleted(Assert.Single(actions.OfType<Persist>()).Sequence));

    /// <summary>Ticks until <paramref name="done"/> holds; returns every action on the way.</summary>
    public static List<RaftAction> TickUntil(this RaftNode node, Func<bool> done, int maxTicks = 10 * ElectionTicks)
    {
        var actions = new List<RaftAction>();
        for (var i = 0; i < maxTicks && !done(); i++)
        {
            actions.AddRange(node.Step(Tick.Instance));
        }
        Assert.True(done(), "the condition did not hold within the tick budget");
        return actions;
    }

    /// <summary>A leader of a 3-voter cluster {a,b,c}, elected with b's vote, its no-op durable but not acknowledged by anyone.</summary>
    public static (RaftNode Leader, List<RaftAction> Actions) Leader(ulong[]? logTerms = null, RaftOptions? options = null)
    {
        var terms = logTerms ?? [1];
        var node = Node("a", ["a", "b", "c"], terms[^1], null, terms, options);
        var actions = node.Receive(new TimeoutNowRequest("b", "a", node.Term)).ToList();
        actions.AddRange(node.Persisted(actions));
        var request = actions.Sent<VoteRequest>().First();
        var won = node.Receive(new VoteResponse("b", "a", request.Term, true, false));
        actions.AddRange(won);
        Assert.Equal(RaftRole.Leader, node.Role);
        actions.AddRange(node.Persisted(won));
        return (node, actions);
    }
}
