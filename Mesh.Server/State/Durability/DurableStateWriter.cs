using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.State.Durability;

/// <summary>
/// A single server's durable writer until Raft replicates: every command is appended to the command log and
/// fsynced before it is applied and acknowledged. Concurrent writes share one fsync (group commit). After
/// <see cref="SnapshotThreshold"/> entries (by default) the store is snapshotted and the log emptied.
/// </summary>
public sealed partial class DurableStateWriter : IStateWriter, IAsyncDisposable
{
    /// <summary>Entries between snapshots (Consul's raft snapshot_threshold).</summary>
    public const int SnapshotThreshold = 16384;

    private const string LogName = "commands.log";
    private const string SnapshotName = "state.snapshot";

    private readonly StateStore _store;
    private readonly CommandLogFile _log;
    private readonly string _directory;
    private readonly ILogger _logger;
    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _flusher;
    private readonly int _snapshotThreshold;
    private int _entriesSinceSnapshot;

    private DurableStateWriter(StateStore store, CommandLogFile log, string directory, int entriesInLog, int snapshotThreshold, ILogger logger)
    {
        _snapshotThreshold = snapshotThreshold;
        _store = store;
        _log = log;
        _directory = directory;
        _logger = logger;
        _entriesSinceSnapshot = entriesInLog;
        _flusher = Task.Run(FlushLoopAsync);
    }

    /// <summary>Recovers the store from <paramref name="directory"/> (snapshot, then the log after it) and opens it for writes.</summary>
    public static DurableStateWriter Open(string directory, StateStore store, ILogger logger, int snapshotThreshold = SnapshotThreshold)
    {
        Directory.CreateDirectory(directory);
        var snapshotPath = Path.Combine(directory, SnapshotName);
        if (File.Exists(snapshotPath))
        {
            using var snapshot = File.OpenRead(snapshotPath);
            store.RestoreSnapshot(snapshot);
        }
        var log = CommandLogFile.Open(Path.Combine(directory, LogName), out var records);
        var replayed = 0;
        foreach (var (index, command) in records)
        {
            // A crash between writing a snapshot and emptying the log leaves entries the snapshot already holds.
            if (index > store.LastIndex)
            {
                store.Apply(command, index);
                replayed++;
            }
        }
        logger.LogInformation("Recovered state at index {Index} ({Replayed} log entries replayed)", store.LastIndex, replayed);
        return new DurableStateWriter(store, log, directory, records.Count, snapshotThreshold, logger);
    }

    public async Task<ApplyResult> ApplyAsync(StateCommand command, CancellationToken cancellationToken = default)
    {
        var pending = new Pending(command, new TaskCompletionSource<ApplyResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_pending.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(DurableStateWriter));
        }
        // Once queued the write happens even if this caller stops waiting: it may be acknowledged to no one, never lost.
        return await pending.Result.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _flusher.ConfigureAwait(false);
        _log.Dispose();
    }

    private sealed record Pending(StateCommand Command, TaskCompletionSource<ApplyResult> Result);
}
