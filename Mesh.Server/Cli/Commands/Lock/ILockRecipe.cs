namespace Mesh.Server.Cli.Commands.Lock;

/// <summary>A way to hold a lock in the KV store: a single holder (.lock key) or a semaphore of N holders.</summary>
internal interface ILockRecipe
{
    /// <summary>Waits until held; false when <paramref name="cancellationToken"/> (shutdown or -timeout) ends the wait.</summary>
    Task<bool> AcquireAsync(CancellationToken cancellationToken);

    /// <summary>Completes once a held lock is lost (its session invalidated, its key taken or gone).</summary>
    Task Lost { get; }

    /// <summary>Gives the lock up; throws <see cref="Api.ApiException"/> ("Lock not held") once it was lost.</summary>
    Task ReleaseAsync(CancellationToken cancellationToken);

    /// <summary>Removes the lock's keys unless another holder uses them; false when in use.</summary>
    Task<bool> CleanupAsync(CancellationToken cancellationToken);
}
