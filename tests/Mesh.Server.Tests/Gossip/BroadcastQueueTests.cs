using Mesh.Server.Gossip;

namespace Mesh.Server.Tests.Gossip;

public sealed class BroadcastQueueTests
{
    [Fact]
    public void A_newer_notice_about_a_member_replaces_the_older_one()
    {
        var queue = new BroadcastQueue();
        var finished = 0;
        queue.Enqueue("a", [1], () => finished++);

        queue.Enqueue("a", [2]);

        Assert.Equal(1, finished);
        Assert.Equal([new byte[] { 2 }], queue.Take(2, 100, transmitLimit: 4, maxCount: 10));
    }

    [Fact]
    public void Each_notice_is_sent_until_the_retransmit_limit_then_reports_finished()
    {
        var queue = new BroadcastQueue();
        var finished = false;
        queue.Enqueue("a", [1], () => finished = true);

        for (var i = 0; i < 3; i++)
        {
            Assert.Single(queue.Take(2, 100, transmitLimit: 3, maxCount: 10));
        }

        Assert.True(finished);
        Assert.Empty(queue.Take(2, 100, transmitLimit: 3, maxCount: 10));
    }

    [Fact]
    public void Least_sent_go_first_and_only_what_fits_is_taken()
    {
        var queue = new BroadcastQueue();
        queue.Enqueue("old", [1, 1, 1]);
        queue.Take(2, 100, transmitLimit: 10, maxCount: 10);
        queue.Enqueue("small", [2]);
        queue.Enqueue("large", [3, 3, 3, 3, 3, 3]);

        var first = queue.Take(2, 13, transmitLimit: 10, maxCount: 10);

        // Fresh before sent-once; larger first among equals; "old" (5 bytes with overhead) no longer fits.
        Assert.Equal([new byte[] { 3, 3, 3, 3, 3, 3 }, [2]], first);
        Assert.Equal(3, queue.Count);
    }
}
