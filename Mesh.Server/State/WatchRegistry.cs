namespace Mesh.Server.State;

/// <summary>
/// Blocking-query waiters keyed by what their read touched. A write notifies the keys it changed;
/// only the waiters on those keys wake.
/// </summary>
internal sealed class WatchRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<WatchKey, HashSet<Waiter>> _waiters = [];

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _waiters.Values.Sum(set => set.Count);
            }
        }
    }

    public Waiter Register(IReadOnlyCollection<WatchKey> keys)
    {
        var waiter = new Waiter(this, keys);
        lock (_gate)
        {
            foreach (var key in keys)
            {
                if (!_waiters.TryGetValue(key, out var set))
                {
                    _waiters[key] = set = [];
                }
                set.Add(waiter);
            }
        }
        return waiter;
    }

    public void Notify(IEnumerable<WatchKey> keys)
    {
        List<Waiter>? woken = null;
        lock (_gate)
        {
            foreach (var key in keys)
            {
                if (_waiters.Remove(key, out var set))
                {
                    (woken ??= []).AddRange(set);
                }
            }
        }
        // Completing outside the lock: continuations run asynchronously anyway, but this keeps the lock short.
        woken?.ForEach(w => w.Wake());
    }

    public void NotifyAll()
    {
        List<Waiter> woken;
        lock (_gate)
        {
            woken = [.. _waiters.Values.SelectMany(set => set)];
            _waiters.Clear();
        }
        woken.ForEach(w => w.Wake());
    }

    private void Unregister(Waiter waiter)
    {
        lock (_gate)
        {
            foreach (var key in waiter.Keys)
            {
                if (_waiters.TryGetValue(key, out var set) && set.Remove(waiter) && set.Count == 0)
                {
                    _waiters.Remove(key);
                }
            }
        }
    }

    /// <summary>One blocked query. Dispose it once it has woken or given up.</summary>
    internal sealed class Waiter(WatchRegistry registry, IReadOnlyCollection<WatchKey> keys) : IDisposable
    {
        private readonly TaskCompletionSource _woken = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyCollection<WatchKey> Keys { get; } = keys;

        public Task Woken => _woken.Task;

        public void Wake() => _woken.TrySetResult();

        public void Dispose() => registry.Unregister(this);
    }
}
