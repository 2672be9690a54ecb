using System.Text.Json;
using Mesh.Server.Cli.Api;

namespace Mesh.Server.Cli.Commands.Lock;

/// <summary>
/// Consul's semaphore recipe (api.Semaphore): each contender holds <c>PREFIX/&lt;session&gt;</c> with its session;
/// <c>PREFIX/.lock</c> holds <c>{"Limit":N,"Holders":{...}}</c>, updated with check-and-set. A holder whose
/// contender key lost its session is pruned, so a dead holder's slot frees itself.
/// </summary>
internal sealed class Semaphore(ApiClient client, LockSession session, string prefix, int limit, int monitorRetries) : ILockRecipe
{
    /// <summary>Consul's SemaphoreFlagValue.</summary>
    public const ulong FlagValue = 0xe0f69a2baa414de0;

    private readonly string _lockKey = prefix + "/.lock";
    private readonly string _contenderKey = prefix + "/" + session.ID;
    private readonly LockMonitor _monitor = new(monitorRetries);

    public Task Lost => _monitor.Lost;

    public async Task<bool> AcquireAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!await client.KvPutAsync(_contenderKey, [], new KvWrite { Flags = FlagValue, Acquire = session.ID }, cancellationToken))
            {
                throw new ApiException("failed to make contender entry");
            }
            ulong index = 0;
            while (true)
            {
                var (pairs, next) = await client.KvListBlockingAsync(prefix + "/", index, cancellationToken);
                var (lockPair, state) = Decode(pairs);
                Prune(state, pairs);
                if (state.Holders.Count >= limit)
                {
                    index = next;
                    continue;
                }
                state.Holders[session.ID] = true;
                var value = JsonSerializer.SerializeToUtf8Bytes(state);
                if (await client.KvPutAsync(_lockKey, value, new KvWrite { Flags = FlagValue, Cas = lockPair?.ModifyIndex ?? 0 }, cancellationToken))
                {
                    _monitor.Start(StillHeldAsync);
                    return true;
                }
                index = 0;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        await _monitor.StopAsync("Semaphore not held");
        // Off the holders with check-and-set, retried until it lands.
        while (true)
        {
            var (pairs, _) = await client.KvListBlockingAsync(prefix + "/", 0, cancellationToken);
            var (lockPair, state) = Decode(pairs);
            if (lockPair is null || !state.Holders.Remove(session.ID))
            {
                break;
            }
            var value = JsonSerializer.SerializeToUtf8Bytes(state);
            if (await client.KvPutAsync(_lockKey, value, new KvWrite { Flags = FlagValue, Cas = lockPair.ModifyIndex }, cancellationToken))
            {
                break;
            }
        }
        await client.KvDeleteAsync(_contenderKey, recurse: false, cas: null, cancellationToken);
    }

    public async Task<bool> CleanupAsync(CancellationToken cancellationToken)
    {
        var (pairs, _) = await client.KvListBlockingAsync(prefix + "/", 0, cancellationToken);
        var (lockPair, state) = Decode(pairs);
        if (lockPair is null)
        {
            return true;
        }
        Prune(state, pairs);
        if (state.Holders.Count > 0 || pairs.Any(p => p.Key != _lockKey && p.Session is { Length: > 0 }))
        {
            return false;
        }
        return await client.KvDeleteAsync(_lockKey, recurse: false, lockPair.ModifyIndex, cancellationToken);
    }

    private async Task<(bool, ulong)> StillHeldAsync(ulong index, CancellationToken cancellationToken)
    {
        var (pairs, next) = await client.KvListBlockingAsync(prefix + "/", index, cancellationToken);
        var (_, state) = Decode(pairs);
        return (state.Holders.ContainsKey(session.ID), next);
    }

    private (KvPair? Pair, SemaphoreState State) Decode(IReadOnlyList<KvPair> pairs)
    {
        var lockPair = pairs.FirstOrDefault(p => p.Key == _lockKey);
        if (lockPair is null)
        {
            return (null, new SemaphoreState { Limit = limit });
        }
        if (lockPair.Flags != FlagValue)
        {
            throw new ApiException("Existing key does not match semaphore use");
        }
        SemaphoreState? state;
        try
        {
            state = JsonSerializer.Deserialize<SemaphoreState>(lockPair.Value ?? []);
        }
        catch (JsonException ex)
        {
            throw new ApiException($"Failed to decode semaphore: {ex.Message}");
        }
        state ??= new SemaphoreState { Limit = limit };
        if (state.Limit != limit)
        {
            throw new ApiException($"semaphore limit conflict (lock: {state.Limit}, local: {limit})");
        }
        return (lockPair, state);
    }

    /// <summary>Drops holders whose contender key is gone or lost its session.</summary>
    private void Prune(SemaphoreState state, IReadOnlyList<KvPair> pairs)
    {
        var alive = pairs.Where(p => p.Key != _lockKey && p.Session is { Length: > 0 }).Select(p => p.Session!).ToHashSet(StringComparer.Ordinal);
        foreach (var holder in state.Holders.Keys.Where(h => !alive.Contains(h)).ToList())
        {
            state.Holders.Remove(holder);
        }
    }

    /// <summary>The .lock key's value (Consul's semaphoreLock).</summary>
    private sealed class SemaphoreState
    {
        public int Limit { get; set; }

        public Dictionary<string, bool> Holders { get; set; } = [];
    }
}
