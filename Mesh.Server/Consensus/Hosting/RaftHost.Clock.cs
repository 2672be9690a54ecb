namespace Mesh.Server.Consensus.Hosting;

/// <summary>
/// Real time for the core. A periodic timer fires once however many periods it missed, so after a process pause
/// (SIGSTOP, a long GC, a stalled VM) ticks counted from the timer would fall behind the clock, and a leader would
/// trust a lease that expired while it was stopped. Every event is therefore preceded by all the ticks the clock
/// says are due.
/// </summary>
public sealed partial class RaftHost
{
    private readonly long _clockStart;
    private long _ticksStepped;

    /// <summary>Beyond this many, further ticks change nothing: every timeout has long expired.</summary>
    private long MaxCatchUpTicks => _options.Raft.ElectionTicks * 4L;

    private void StepDueTicks()
    {
        var due = (long)(_time.GetElapsedTime(_clockStart) / _options.Raft.TickInterval);
        _ticksStepped = Math.Max(_ticksStepped, due - MaxCatchUpTicks);
        while (_ticksStepped < due)
        {
            _ticksStepped++;
            StepCore(Tick.Instance);
        }
    }
}
