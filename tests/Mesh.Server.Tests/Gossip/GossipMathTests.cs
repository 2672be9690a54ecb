using Mesh.Server.Gossip;

namespace Mesh.Server.Tests.Gossip;

/// <summary>The scaling formulas give memberlist's numbers for Consul's LAN defaults.</summary>
public sealed class GossipMathTests
{
    [Theory]
    [InlineData(1, 4000)]
    [InlineData(5, 4000)]
    [InlineData(10, 4000)]
    [InlineData(100, 8000)]
    [InlineData(1000, 12000)]
    public void Suspicion_timeout_grows_with_log10_of_the_pool(int members, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), GossipMath.SuspicionTimeout(4, members, TimeSpan.FromSeconds(1)));

    [Theory]
    [InlineData(1, 4)]
    [InlineData(9, 4)]
    [InlineData(10, 8)]
    [InlineData(100, 12)]
    [InlineData(1000, 16)]
    public void Retransmit_limit_is_mult_times_ceil_log10_of_n_plus_one(int members, int limit) =>
        Assert.Equal(limit, GossipMath.RetransmitLimit(4, members));

    [Theory]
    [InlineData(3, 30)]
    [InlineData(32, 30)]
    [InlineData(33, 60)]
    [InlineData(64, 60)]
    [InlineData(1000, 180)]
    public void Push_pull_slows_down_above_32_members(int members, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), GossipMath.PushPullScale(TimeSpan.FromSeconds(30), members));

    [Fact]
    public void Confirmations_shrink_the_suspicion_from_max_to_min()
    {
        var min = TimeSpan.FromSeconds(8);
        var max = TimeSpan.FromSeconds(48);

        Assert.Equal(max, GossipMath.RemainingSuspicion(0, 2, TimeSpan.Zero, min, max));
        Assert.Equal(TimeSpan.FromMilliseconds(22762), GossipMath.RemainingSuspicion(1, 2, TimeSpan.Zero, min, max));
        Assert.Equal(min, GossipMath.RemainingSuspicion(2, 2, TimeSpan.Zero, min, max));
        Assert.Equal(TimeSpan.FromSeconds(5), GossipMath.RemainingSuspicion(2, 2, TimeSpan.FromSeconds(3), min, max));
    }

    [Fact]
    public void A_suspicion_counts_each_confirming_member_once_and_only_as_many_as_needed()
    {
        var suspicion = new Suspicion("a", needed: 2, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(48), TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromSeconds(48), suspicion.Deadline);

        Assert.False(suspicion.Confirm("a", TimeSpan.FromSeconds(1)));
        Assert.True(suspicion.Confirm("b", TimeSpan.FromSeconds(1)));
        Assert.False(suspicion.Confirm("b", TimeSpan.FromSeconds(2)));
        Assert.True(suspicion.Confirm("c", TimeSpan.FromSeconds(2)));
        Assert.False(suspicion.Confirm("d", TimeSpan.FromSeconds(3)));

        Assert.Equal(2, suspicion.Confirmations);
        Assert.Equal(TimeSpan.FromSeconds(8), suspicion.Deadline);
    }
}
