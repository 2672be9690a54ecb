namespace Mesh.Server.State;

/// <summary>Values by string key, ordinally sorted, with cheap prefix ranges (what KV recurse/keys reads need).</summary>
internal sealed class PrefixIndex<T>
{
    private readonly SortedSet<string> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, T> _values = new(StringComparer.Ordinal);

    public int Count => _values.Count;

    public bool TryGetValue(string key, out T value) => _values.TryGetValue(key, out value!);

    public void Set(string key, T value)
    {
        if (_values.TryAdd(key, value))
        {
            _keys.Add(key);
        }
        else
        {
            _values[key] = value;
        }
    }

    public bool Remove(string key) => _values.Remove(key) && _keys.Remove(key);

    public void Clear()
    {
        _keys.Clear();
        _values.Clear();
    }

    /// <summary>The entries whose key starts with <paramref name="prefix"/>, in key order.</summary>
    public IEnumerable<KeyValuePair<string, T>> WithPrefix(string prefix)
    {
        var keys = prefix.Length == 0 || _keys.Count == 0
            ? _keys
            : _keys.GetViewBetween(prefix, prefix + char.MaxValue);
        foreach (var key in keys)
        {
            // The view's upper bound is exclusive of keys containing char.MaxValue past the prefix; check anyway.
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                yield return new(key, _values[key]);
            }
        }
    }
}
