namespace Mesh.Server.Consensus;

/// <summary>
/// The configurations in a server's log with the index each appeared at, so truncation can fall back to the
/// previous one and a snapshot can record the one in force at its index.
/// </summary>
internal sealed class ConfigurationHistory(ulong index, ClusterConfiguration configuration)
{
    private readonly List<(ulong Index, ClusterConfiguration Configuration)> _items = [(index, configuration)];

    public ClusterConfiguration Current => _items[^1].Configuration;

    public ulong CurrentIndex => _items[^1].Index;

    public ClusterConfiguration At(ulong index)
    {
        for (var i = _items.Count - 1; i > 0; i--)
        {
            if (_items[i].Index <= index)
            {
                return _items[i].Configuration;
            }
        }
        return _items[0].Configuration;
    }

    public void Add(ulong index, ClusterConfiguration configuration) => _items.Add((index, configuration));

    public void TruncateFrom(ulong index)
    {
        // The first item comes from a snapshot or the base and is never truncated.
        while (_items.Count > 1 && _items[^1].Index >= index)
        {
            _items.RemoveAt(_items.Count - 1);
        }
    }

    public void Reset(ulong index, ClusterConfiguration configuration)
    {
        _items.Clear();
        _items.Add((index, configuration));
    }

    /// <summary>Forgets configurations superseded at or before <paramref name="index"/>.</summary>
    public void PruneBefore(ulong index)
    {
        while (_items.Count > 1 && _items[1].Index <= index)
        {
            _items.RemoveAt(0);
        }
    }
}
