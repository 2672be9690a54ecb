using Mesh.Server.Consensus;

namespace Mesh.Server.Tests.Consensus;

public sealed class OptionsTests
{
    [Fact]
    public void RaftMultiplierScalesTheTick()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(50), RaftOptions.ForMultiplier(1).TickInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(250), RaftOptions.ForMultiplier(5).TickInterval);
        Assert.Throws<ArgumentOutOfRangeException>(() => RaftOptions.ForMultiplier(0));

        // With 1, a dead leader is noticed within one to two election timeouts of 500 ms each.
        var options = RaftOptions.ForMultiplier(1);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.TickInterval * options.ElectionTicks);
    }

    [Fact]
    public void ALeaseThatCouldOutliveFollowersPatienceIsRefused()
    {
        var options = new RaftOptions { ElectionTicks = 10, LeaseTicks = 9 };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal("LeaseTicks must be between 0 and ElectionTicks - 2.", error.Message);
        Assert.Throws<ArgumentException>(() => new RaftNode("a", options, PersistentState.Empty, new Random(1)));
    }

    [Fact]
    public void SingleVoterServesReadIndexAtOnce()
    {
        var node = new RaftNode("a", RaftTestKit.Full, PersistentState.Bootstrap(RaftTestKit.Voters("a")), new Random(1));
        node.Persisted(node.TickUntil(() => node.Role == RaftRole.Leader));

        var ready = Assert.Single(node.Step(new ReadRequest(1, ReadConsistency.ReadIndex)).OfType<ReadReady>());

        Assert.Equal(2UL, ready.Index);
    }
}
