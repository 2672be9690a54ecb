namespace Mesh.Server.Consensus.Transport;

/// <summary>
/// Waits between attempts to reach a peer: doubling from <see cref="Initial"/> to <see cref="Cap"/>, each wait
/// drawn from its upper half so servers that lost the same peer do not retry in step. Not thread-safe.
/// </summary>
internal sealed class ReconnectBackoff(Random random)
{
    public static readonly TimeSpan Initial = TimeSpan.FromMilliseconds(20);
    public static readonly TimeSpan Cap = TimeSpan.FromSeconds(1);

    private TimeSpan _ceiling = Initial;

    public TimeSpan Next()
    {
        var delay = _ceiling * (0.5 + random.NextDouble() / 2);
        _ceiling = _ceiling * 2 < Cap ? _ceiling * 2 : Cap;
        return delay;
    }

    public void Reset() => _ceiling = Initial;
}
