using Mesh.Server.Consensus;
using static Mesh.Server.Tests.Consensus.RaftTestKit;

namespace Mesh.Server.Tests.Consensus;

/// <summary>Starting from what storage recovered: trusting only what is consistent, refusing what is corrupt.</summary>
public sealed class RecoveryTests
{
    private static readonly ClusterConfiguration Abc = Voters("a", "b", "c");

    [Fact]
    public void RestartsAsFollowerWithItsTermVoteAndLog()
    {
        var entries = new List<LogEntry> { new(1, 1, EntryKind.Configuration, Abc.Encode()), Command(2, 3) };

        var node = new RaftNode("a", Full, new PersistentState(new HardState(4, "b"), null, entries), new Random(1));

        Assert.Equal((RaftRole.Follower, 4UL, "b"), (node.Role, node.Term, node.VotedFor));
        Assert.Equal((2UL, 3UL, 0UL), (node.Log.LastIndex, node.Log.LastTerm, node.CommitIndex));
        Assert.True(node.IsVoter);
    }

    [Fact]
    public void KeepsTheTrailingEntriesBehindASnapshot()
    {
        var snapshot = new SnapshotMetadata(5, 2, Abc);
        var entries = Enumerable.Range(3, 6).Select(i => Command((ulong)i, 2)).ToList();

        var node = new RaftNode("a", Full, new PersistentState(new HardState(2, null), snapshot, entries), new Random(1));

        Assert.Equal((3UL, 8UL), (node.Log.BaseIndex, node.Log.LastIndex));
        Assert.Equal((5UL, 5UL), (node.CommitIndex, node.AppliedIndex));
        Assert.Equal(Abc.Voters, node.Configuration.Voters);
    }

    [Fact]
    public void DropsALogThatPredatesAnInstalledSnapshot()
    {
        // A crash between storing the snapshot and deleting the old log: entry 5 has another term than the snapshot's.
        var snapshot = new SnapshotMetadata(5, 3, Abc);
        var entries = Enumerable.Range(3, 6).Select(i => Command((ulong)i, 2)).ToList();

        var node = new RaftNode("a", Full, new PersistentState(new HardState(3, null), snapshot, entries), new Random(1));

        Assert.Equal((5UL, 5UL, 3UL), (node.Log.BaseIndex, node.Log.LastIndex, node.Log.LastTerm));
        var persist = Assert.Single(node.Step(Tick.Instance).OfType<Persist>());
        Assert.Equal(snapshot, persist.ResetToSnapshot);
        Assert.Empty(persist.Entries);
    }

    [Fact]
    public void RefusesAGapBetweenSnapshotAndLog()
    {
        var snapshot = new SnapshotMetadata(5, 2, Abc);

        var error = Assert.Throws<InvalidDataException>(() =>
            new RaftNode("a", Full, new PersistentState(new HardState(2, null), snapshot, [Command(8, 2)]), new Random(1)));

        Assert.Contains("gap", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesALogWhoseTermIsBeyondTheStoredTerm()
    {
        var entries = new List<LogEntry> { new(1, 1, EntryKind.Configuration, Abc.Encode()), Command(2, 7) };

        var error = Assert.Throws<InvalidDataException>(() =>
            new RaftNode("a", Full, new PersistentState(new HardState(4, null), null, entries), new Random(1)));

        Assert.Contains("beyond the stored term", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesALogWithAHole()
    {
        var entries = new List<LogEntry> { new(1, 1, EntryKind.Configuration, Abc.Encode()), Command(3, 1) };

        Assert.Throws<InvalidDataException>(() =>
            new RaftNode("a", Full, new PersistentState(new HardState(1, null), null, entries), new Random(1)));
    }

    [Fact]
    public void ConfigurationRoundTripsAndCorruptionIsRefused()
    {
        var configuration = new ClusterConfiguration([
            new RaftMember("b", "10.0.0.2:8300", MemberRole.Staging), new RaftMember("a", "10.0.0.1:8300", MemberRole.Voter),
            new RaftMember("c", "10.0.0.3:8300", MemberRole.Learner)]);

        var decoded = ClusterConfiguration.Decode(configuration.Encode());

        Assert.Equal(configuration.Members, decoded.Members);
        Assert.Equal(["a"], decoded.Voters);
        Assert.Throws<InvalidDataException>(() => ClusterConfiguration.Decode(configuration.Encode().AsSpan(0, 9)));
    }
}
