namespace Mesh.Server.State;

public sealed partial class StateStore
{
    /// <summary>Runs <paramref name="query"/> now.</summary>
    public QueryResult<T> Read<T>(Func<StateReader, T> query)
    {
        lock (_gate)
        {
            var reader = new StateReader(this);
            var value = query(reader);
            return new QueryResult<T>(value, ResultIndex(reader));
        }
    }

    /// <summary>
    /// Runs <paramref name="query"/> now, or, for a blocking query (<paramref name="minIndex"/> above 0), as soon as
    /// its result index passes <paramref name="minIndex"/> or <paramref name="wait"/> runs out. The reader passed to
    /// the query records what it touched; only writes to those wake this query.
    /// </summary>
    public async Task<QueryResult<T>> QueryAsync<T>(
        Func<StateReader, T> query,
        ulong minIndex = 0,
        TimeSpan wait = default,
        CancellationToken cancellationToken = default)
    {
        var deadline = timeProvider.GetUtcNow() + wait;
        while (true)
        {
            WatchRegistry.Waiter waiter;
            lock (_gate)
            {
                var reader = new StateReader(this);
                var value = query(reader);
                var index = ResultIndex(reader);
                if (minIndex == 0 || index > minIndex || timeProvider.GetUtcNow() >= deadline)
                {
                    return new QueryResult<T>(value, index);
                }
                // Registered under the lock: a write applied after this read necessarily notifies this waiter.
                waiter = _watches.Register(reader.Watches);
            }

            using (waiter)
            {
                var remaining = deadline - timeProvider.GetUtcNow();
                if (remaining > TimeSpan.Zero)
                {
                    // Timing out is the normal end of a blocking query: the loop answers with the current result.
                    await waiter.Woken.WaitAsync(remaining, timeProvider, cancellationToken)
                        .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
        }
    }

    // Never below 1 (Consul's rule), nor below the last restore, which changed everything at once.
    private ulong ResultIndex(StateReader reader) => Math.Max(Math.Max(1, reader.Index), _restoredAt);
}

/// <summary>A query's value and the index it reflects (X-Consul-Index, never below 1).</summary>
/// <summary>
/// A read's answer and how fresh it is: <see cref="KnownLeader"/> and <see cref="LastContact"/> (time since the
/// answering server heard from the leader) become X-Consul-KnownLeader and X-Consul-LastContact.
/// </summary>
public sealed record QueryResult<T>(T Value, ulong Index)
{
    public bool KnownLeader { get; init; } = true;

    public TimeSpan LastContact { get; init; }
}
