using Mesh.Server.Cli.Api;

namespace Mesh.Server.Cli.Commands.Lock;

/// <summary>
/// Consul's lock recipe (api.Lock): the session acquires <c>PREFIX/.lock</c>; contenders wait on the key with
/// blocking reads and try again when it is free, or after the lock delay when an acquire was refused.
/// </summary>
internal sealed class KeyLock(ApiClient client, LockSession session, string key, int monitorRetries) : ILockRecipe
{
    /// <summary>Consul's LockFlagValue: marks a key as a lock recipe's.</summary>
    public const ulong FlagValue = 0x2ddccbc058a50c18;

    /// <summary>Consul's DefaultLockRetryTime: the wait after an acquire refused for the lock delay.</summary>
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    private readonly LockMonitor _monitor = new(monitorRetries);

    public Task Lost => _monitor.Lost;

    public async Task<bool> AcquireAsync(CancellationToken cancellationToken)
    {
        try
        {
            ulong index = 0;
            while (true)
            {
                var (pair, next) = await client.KvGetBlockingAsync(key, index, cancellationToken);
                CheckFlags(pair);
                if (pair is { Session.Length: > 0 } && pair.Session != session.ID)
                {
                    index = next;
                    continue;
                }
                if (pair?.Session == session.ID || await client.KvPutAsync(key, [], new KvWrite { Flags = FlagValue, Acquire = session.ID }, cancellationToken))
                {
                    _monitor.Start(StillHeldAsync);
                    return true;
                }
                // Refused: held by someone again (wait on it), or in its lock delay (try later).
                var (current, _) = await client.KvGetBlockingAsync(key, 0, cancellationToken);
                if (current is not { Session.Length: > 0 })
                {
                    await Task.Delay(RetryAfter, cancellationToken);
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
        await _monitor.StopAsync("Lock not held");
        await client.KvPutAsync(key, [], new KvWrite { Flags = FlagValue, Release = session.ID }, cancellationToken);
    }

    public async Task<bool> CleanupAsync(CancellationToken cancellationToken)
    {
        var (pair, _) = await client.KvGetBlockingAsync(key, 0, cancellationToken);
        if (pair is null)
        {
            return true;
        }
        CheckFlags(pair);
        if (pair.Session is { Length: > 0 })
        {
            return false;
        }
        // Only the key as read: a contender that took it since keeps it.
        return await client.KvDeleteAsync(key, recurse: false, pair.ModifyIndex, cancellationToken);
    }

    private async Task<(bool, ulong)> StillHeldAsync(ulong index, CancellationToken cancellationToken)
    {
        var (pair, next) = await client.KvGetBlockingAsync(key, index, cancellationToken);
        return (pair?.Session == session.ID, next);
    }

    private static void CheckFlags(KvPair? pair)
    {
        if (pair is not null && pair.Flags != FlagValue)
        {
            throw new ApiException("Existing key does not match lock use");
        }
    }
}
