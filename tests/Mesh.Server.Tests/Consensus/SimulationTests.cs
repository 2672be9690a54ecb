using Mesh.Server.Consensus;
using Mesh.Simulation;

namespace Mesh.Server.Tests.Consensus;

/// <summary>The deterministic simulator, in process: real cores, lossy network, crashing disks, invariants after every step.</summary>
public sealed class SimulationTests
{
    [Fact]
    public void FiftySeedsKeepEveryInvariant()
    {
        var results = Enumerable.Range(1, 50)
            .AsParallel()
            .Select(seed => ClusterSimulation.Run(new SimulationSettings(seed, SimulatorCli.NodesFor(seed), SimulatorCli.DefaultSteps)))
            .ToList();

        Assert.All(results, r => Assert.True(r.Violation is null, $"seed {r.Settings.Seed}: {r.Violation}"));
        // The runs did what they are for: acknowledged writes under crashes, snapshots, membership changes, transfers, reads.
        Assert.True(results.Sum(r => r.Stats.Acknowledged) > 5_000);
        Assert.True(results.Sum(r => r.Stats.Crashes) > 500);
        Assert.True(results.Sum(r => r.Stats.SnapshotsInstalled) > 50);
        Assert.True(results.Sum(r => r.Stats.MembershipChanges) > 50);
        Assert.True(results.Sum(r => r.Stats.Transfers) > 50);
        Assert.True(results.Sum(r => r.Stats.Reads) > 1_000);
        Assert.Contains(results, r => r.Settings.Nodes == 3);
        Assert.Contains(results, r => r.Settings.Nodes == 5);
    }

    [Fact]
    public void ASeedReplaysExactly()
    {
        var settings = new SimulationSettings(4242, 5, 5_000, Trace: true);

        var first = ClusterSimulation.Run(settings);
        var second = ClusterSimulation.Run(settings);

        Assert.Null(first.Violation);
        Assert.Equal(first.Steps, second.Steps);
        Assert.Equal(first.Stats, second.Stats);
        Assert.Equal(first.Trace, second.Trace);
        Assert.NotEqual(first.Trace, ClusterSimulation.Run(settings with { Seed = 4243 }).Trace);
    }

    [Fact]
    public void CheckerCatchesTwoLeadersInOneTerm()
    {
        var checker = new InvariantChecker();
        checker.OnLeader("a", 3);

        var error = Assert.Throws<SimulationException>(() => checker.OnLeader("b", 3));

        Assert.Contains("election safety", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckerCatchesLogsThatDisagreeBeforeAnEqualEntry()
    {
        var checker = new InvariantChecker();
        checker.OnEntry(5, 2, 0xAAAA, "a");

        Assert.Throws<SimulationException>(() => checker.OnEntry(5, 2, 0xBBBB, "b"));
    }

    [Fact]
    public void CheckerCatchesALeaderMissingACommittedEntry()
    {
        var checker = new InvariantChecker();
        var full = Mirror(checker, "a", 3);
        checker.OnCommit("a", 3, full, isLeader: true, term: 2);
        var behind = Mirror(checker, "b", 2);

        var error = Assert.Throws<SimulationException>(() => checker.OnBecameLeader("b", 3, behind));

        Assert.Contains("leader completeness", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckerCatchesAStaleRead()
    {
        var error = Assert.Throws<SimulationException>(() => InvariantChecker.OnReadReady("a", 7, 9, lease: true));

        Assert.Contains("stale read", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CrashedDiskKeepsOnlyAPrefixOfUnsyncedWrites()
    {
        for (var seed = 0; seed < 20; seed++)
        {
            var disk = new SimDisk();
            var entries = Enumerable.Range(1, 5).Select(i => RaftTestKit.Command((ulong)i, 1)).ToList();
            disk.Write(new Persist(1, new HardState(1, "a"), null, entries[..2]));
            disk.SyncThrough(1);
            disk.Write(new Persist(2, null, null, entries[2..]));

            disk.Crash(new Random(seed));

            var recovered = disk.Recover();
            Assert.InRange(recovered.Entries.Count, 2, 5);
            Assert.Equal(entries.Take(recovered.Entries.Count), recovered.Entries);
            Assert.Equal(new HardState(1, "a"), recovered.HardState);
        }
    }

    /// <summary>A server whose log is entries 1..last of term 1 (from one shared history), mirrored for the checker.</summary>
    private static LogMirror Mirror(InvariantChecker checker, string id, int last)
    {
        var node = RaftTestKit.Node(id, ["a", "b", "c"], term: 1, logTerms: [.. Enumerable.Repeat(1UL, last)]);
        var mirror = new LogMirror();
        mirror.Sync(node.Log, checker, id);
        return mirror;
    }
}
