using Mesh.Server.Consensus.Transport;

namespace Mesh.Server.Tests.Consensus.Transport;

public sealed class ReconnectBackoffTests
{
    [Fact]
    public void Waits_double_up_to_the_cap_with_jitter_and_reset_after_success()
    {
        var backoff = new ReconnectBackoff(new Random(7));
        var ceiling = ReconnectBackoff.Initial;
        var waits = new List<TimeSpan>();
        for (var attempt = 0; attempt < 12; attempt++)
        {
            var wait = backoff.Next();
            Assert.InRange(wait, ceiling / 2, ceiling);
            waits.Add(wait);
            ceiling = ceiling * 2 < ReconnectBackoff.Cap ? ceiling * 2 : ReconnectBackoff.Cap;
        }
        Assert.True(waits[^1] > ReconnectBackoff.Cap / 2, "the waits reach the cap");
        Assert.True(waits.Distinct().Count() > 1, "the waits are jittered");

        backoff.Reset();
        Assert.InRange(backoff.Next(), ReconnectBackoff.Initial / 2, ReconnectBackoff.Initial);
    }
}
