namespace Mesh.Bench;

/// <summary>Many watchers of one key on one server, driven round by round by <see cref="WatcherLoad"/>.</summary>
internal interface IWatchFleet : IDisposable
{
    int ServerPid { get; }

    /// <summary>Writes the watched key once, so that watchers wait for its next change.</summary>
    Task PrepareAsync(CancellationToken cancellationToken);

    Task ConnectAsync(int count, CancellationToken cancellationToken);

    /// <summary>Sets every watcher waiting for the next write; returns once the server holds them all.</summary>
    Task ArmAsync(CancellationToken cancellationToken);

    /// <summary>Changes the watched key; the timestamps when the write was sent and when it was answered.</summary>
    Task<WriteTiming> WriteAsync(int round, CancellationToken cancellationToken);

    /// <summary>When each watcher received the change (timestamps), once all have.</summary>
    Task<long[]> AnswersAsync(CancellationToken cancellationToken);
}

internal readonly record struct WriteTiming(long Sent, long Answered);
