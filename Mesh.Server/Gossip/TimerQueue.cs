namespace Mesh.Server.Gossip;

/// <summary>
/// The core's timers as deadlines on its own clock: the host runs <see cref="RunDue"/> when the earliest is due,
/// which keeps the core free of threads and lets a simulator drive it in virtual time. Ties fire in schedule order.
/// </summary>
internal sealed class TimerQueue
{
    private readonly PriorityQueue<Entry, (TimeSpan Due, long Order)> _queue = new();
    private long _order;

    public TimeSpan? NextDue
    {
        get
        {
            while (_queue.TryPeek(out var entry, out var key))
            {
                if (!entry.Cancelled)
                {
                    return key.Due;
                }
                _queue.Dequeue();
            }
            return null;
        }
    }

    public Entry Schedule(TimeSpan due, Action callback)
    {
        var entry = new Entry(callback);
        _queue.Enqueue(entry, (due, _order++));
        return entry;
    }

    /// <summary>Runs every timer due at or before <paramref name="now"/>, including ones they schedule.</summary>
    public void RunDue(TimeSpan now)
    {
        while (_queue.TryPeek(out var entry, out var key) && key.Due <= now)
        {
            _queue.Dequeue();
            if (!entry.Cancelled)
            {
                entry.Cancelled = true;
                entry.Callback();
            }
        }
    }

    internal sealed class Entry(Action callback)
    {
        public Action Callback { get; } = callback;

        public bool Cancelled { get; set; }

        public void Cancel() => Cancelled = true;
    }
}
