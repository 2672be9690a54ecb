using Mesh.Server.Consensus;
using static Mesh.Server.Tests.Consensus.RaftTestKit;

namespace Mesh.Server.Tests.Consensus;

/// <summary>Log compaction and InstallSnapshot (Raft §7).</summary>
public sealed class SnapshotTests
{
    private static readonly RaftOptions Compacting = Full with { SnapshotThreshold = 10, TrailingLogs = 3, SnapshotChunkBytes = 16 };

    [Fact]
    public void SnapshotIsTakenAtTheThresholdAndATrailingLogIsKept()
    {
        var cluster = new TestCluster(Compacting, "a", "b", "c");
        cluster.Elect("a");
        for (ulong i = 1; i <= 12; i++)
        {
            cluster.Propose("a", i);
            cluster.Deliver();
        }

        var take = Assert.Single(cluster.Actions["a"].OfType<TakeSnapshot>());
        Assert.Equal(10UL, take.Snapshot.Index);
        Assert.Equal(cluster["a"].Log.TermAt(10), take.Snapshot.Term);
        Assert.Equal(3, take.Snapshot.Configuration.Voters.Count);
        Assert.Equal(take.Snapshot, cluster["a"].Snapshot);
        Assert.Equal(7UL, cluster["a"].Log.BaseIndex);
        Assert.Equal(7UL, Assert.Single(cluster.Actions["a"].OfType<CompactLog>()).FirstIndexToKeep);
    }

    [Fact]
    public void FollowerBehindTheLogStartGetsTheSnapshotInChunksAndThenTheLog()
    {
        var cluster = new TestCluster(Compacting, "a", "b", "c");
        cluster.Elect("a");
        cluster.Isolate("c");
        for (ulong i = 1; i <= 25; i++)
        {
            cluster.Propose("a", i);
            cluster.Deliver();
        }
        Assert.True(cluster["a"].Log.BaseIndex > 2);
        cluster.Heal();

        cluster.Tick("a", 2);

        var chunks = cluster.Delivered.OfType<SnapshotRequest>().Where(r => r.To == "c").ToList();
        Assert.True(chunks.Count > 2, "the snapshot should travel in several chunks");
        Assert.Equal(chunks.Select((c, i) => (long)i * 16), chunks.Select(c => c.Offset));
        Assert.True(chunks[^1].Last);
        Assert.Single(cluster.Actions["c"].OfType<RestoreSnapshot>());
        Assert.Equal(Enumerable.Range(1, 25).Select(i => (ulong)i), cluster.Applied["c"].Select(TestCluster.CommandOf));
        Assert.Equal(cluster["a"].Log.LastIndex, cluster["c"].Log.LastIndex);
    }

    [Fact]
    public void FollowerAcknowledgesAnInstalledSnapshotOnlyOnceDurableAndRestoresAfterwards()
    {
        var node = Node("c", ["a", "b", "c"], term: 3, logTerms: [1, 1], options: Compacting);
        var snapshot = new SnapshotMetadata(20, 3, Voters("a", "b", "c"));

        var first = node.Receive(new SnapshotRequest("a", "c", 3, snapshot, 0, [1, 2, 3], false));
        Assert.Contains(first, a => a is SaveSnapshotChunk { Offset: 0 });
        Assert.Equal(3, Assert.Single(first.Sent<SnapshotResponse>()).NextOffset);

        var last = node.Receive(new SnapshotRequest("a", "c", 3, snapshot, 3, [4], true));
        Assert.Empty(last.Sent<SnapshotResponse>());
        Assert.DoesNotContain(last, a => a is RestoreSnapshot);
        var persist = Assert.Single(last.OfType<Persist>());
        Assert.Equal(snapshot, persist.ResetToSnapshot);

        var done = node.Persisted(last);
        Assert.True(Assert.Single(done.Sent<SnapshotResponse>()).Done);
        Assert.Equal(snapshot, Assert.Single(done.OfType<RestoreSnapshot>()).Snapshot);
        Assert.Equal((20UL, 20UL, 20UL), (node.Log.BaseIndex, node.Log.LastIndex, node.CommitIndex));
        Assert.Equal(snapshot, node.Snapshot);
    }

    [Fact]
    public void FollowerThatAlreadyHasTheSnapshotsLastEntryKeepsItsLog()
    {
        var node = Node("c", ["a", "b", "c"], term: 2, logTerms: [1, 2, 2, 2], options: Compacting);

        var actions = node.Receive(new SnapshotRequest("a", "c", 2, new SnapshotMetadata(3, 2, Voters("a", "b", "c")), 0, [9], false));

        Assert.True(Assert.Single(actions.Sent<SnapshotResponse>()).Done);
        Assert.Equal(4UL, node.Log.LastIndex);
        Assert.Equal(3UL, node.CommitIndex);
        Assert.DoesNotContain(actions, a => a is SaveSnapshotChunk or Persist);
    }

    [Fact]
    public void ChunkOutOfOrderIsAnsweredWithTheExpectedOffset()
    {
        var node = Node("c", ["a", "b", "c"], term: 3, logTerms: [1], options: Compacting);
        var snapshot = new SnapshotMetadata(20, 3, Voters("a", "b", "c"));
        node.Receive(new SnapshotRequest("a", "c", 3, snapshot, 0, [1, 2], false));

        var gap = node.Receive(new SnapshotRequest("a", "c", 3, snapshot, 5, [6], false));

        Assert.DoesNotContain(gap, a => a is SaveSnapshotChunk);
        Assert.Equal(2, Assert.Single(gap.Sent<SnapshotResponse>()).NextOffset);
    }

    [Fact]
    public void LeaderFollowsAFollowerWhoseCopyWentBack()
    {
        var snapshot = new SnapshotMetadata(10, 1, Voters("a", "b", "c"));
        var leader = new RaftNode("a", Compacting, new PersistentState(new HardState(1, null), snapshot, [Command(11, 1)]), new Random(1));
        var campaign = leader.Receive(new TimeoutNowRequest("b", "a", 1));
        leader.Persisted(campaign);
        leader.Persisted(leader.Receive(new VoteResponse("b", "a", 2, true, false)));

        // c has nothing: probing walks back below the log start, so c gets the snapshot.
        var start = leader.Receive(new AppendResponse("c", "a", 2, false, 11, 0, 0, 1));
        Assert.Equal(0, Assert.Single(start.OfType<ReadSnapshotChunk>()).Offset);
        Assert.Single(leader.Step(new SnapshotChunkRead("c", 10, 0, new byte[16], false)).Sent<SnapshotRequest>());
        Assert.Equal(16, Assert.Single(leader.Receive(new SnapshotResponse("c", "a", 2, 10, 16, false)).OfType<ReadSnapshotChunk>()).Offset);
        Assert.Equal(32, Assert.Single(leader.Receive(new SnapshotResponse("c", "a", 2, 10, 32, false)).OfType<ReadSnapshotChunk>()).Offset);

        // A duplicated first chunk made c start over at 16: the leader must go back, or both wait forever.
        var back = leader.Receive(new SnapshotResponse("c", "a", 2, 10, 16, false));

        Assert.Equal(16, Assert.Single(back.OfType<ReadSnapshotChunk>()).Offset);
    }
}
