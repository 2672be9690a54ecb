namespace Mesh.Server.Gossip;

/// <summary>
/// Rejects authenticated envelopes seen before: the sender's timestamp must be within the window of our clock, and
/// its nonce must be new among those admitted within the window. Memory is bounded: when full, the oldest nonces
/// are forgotten and anything not newer than them is rejected, so eviction never reopens a replay.
/// </summary>
internal sealed class ReplayGuard(TimeSpan window, int capacity = 200_000)
{
    private readonly Lock _gate = new();
    private readonly HashSet<(ulong, uint)> _seen = [];
    private readonly Queue<(DateTimeOffset Sent, (ulong, uint) Nonce)> _order = new();
    private DateTimeOffset _floor = DateTimeOffset.MinValue;

    public bool Admit(ReadOnlySpan<byte> nonce, DateTimeOffset sent, DateTimeOffset now)
    {
        if (sent < now - window || sent > now + window)
        {
            return false;
        }
        var key = (BitConverter.ToUInt64(nonce[..8]), BitConverter.ToUInt32(nonce[8..12]));
        lock (_gate)
        {
            while (_order.TryPeek(out var oldest) && oldest.Sent < now - window)
            {
                _seen.Remove(_order.Dequeue().Nonce);
            }
            if (sent <= _floor || !_seen.Add(key))
            {
                return false;
            }
            _order.Enqueue((sent, key));
            while (_order.Count > capacity)
            {
                var evicted = _order.Dequeue();
                _seen.Remove(evicted.Nonce);
                _floor = evicted.Sent > _floor ? evicted.Sent : _floor;
            }
            return true;
        }
    }
}
