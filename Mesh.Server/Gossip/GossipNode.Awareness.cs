namespace Mesh.Server.Gossip;

/// <summary>Lifeguard's local health awareness: a member that misses acks and nacks trusts itself less and slows down.</summary>
public sealed partial class GossipNode
{
    private int _healthScore;

    /// <summary>0 when healthy; up to AwarenessMaxMultiplier - 1 when this member seems to be the slow one.</summary>
    public int HealthScore => _healthScore;

    private void ApplyAwareness(int delta)
    {
        var before = _healthScore;
        _healthScore = Math.Clamp(_healthScore + delta, 0, _options.AwarenessMaxMultiplier - 1);
        if (_healthScore != before)
        {
            _observer.HealthScoreChanged(_healthScore);
        }
    }

    /// <summary>Probe interval and timeout grow with the score: (score + 1) times the configured value.</summary>
    private TimeSpan ScaleByHealth(TimeSpan value) => value * (_healthScore + 1);
}
