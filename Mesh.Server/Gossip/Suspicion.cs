namespace Mesh.Server.Gossip;

/// <summary>
/// Lifeguard's dynamic suspicion: the timeout starts at <c>max</c> and falls towards <c>min</c> as independent
/// members confirm the suspicion; with fewer than one confirmation needed it is simply <c>min</c>.
/// </summary>
internal sealed class Suspicion
{
    private readonly HashSet<string> _confirmedBy = new(StringComparer.Ordinal);
    private readonly int _needed;
    private readonly TimeSpan _min;
    private readonly TimeSpan _max;
    private readonly TimeSpan _start;

    public Suspicion(string from, int needed, TimeSpan min, TimeSpan max, TimeSpan start)
    {
        _confirmedBy.Add(from);
        _needed = needed;
        _min = min;
        _max = max;
        _start = start;
        Deadline = start + (needed < 1 ? min : max);
    }

    public int Confirmations { get; private set; }

    public TimeSpan Deadline { get; private set; }

    public TimerQueue.Entry? Timer { get; set; }

    /// <summary>Counts a new, distinct confirmation and moves the deadline; false when it changes nothing.</summary>
    public bool Confirm(string from, TimeSpan now)
    {
        if (Confirmations >= _needed || !_confirmedBy.Add(from))
        {
            return false;
        }
        Confirmations++;
        var remaining = GossipMath.RemainingSuspicion(Confirmations, _needed, now - _start, _min, _max);
        Deadline = now + (remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
        return true;
    }
}
