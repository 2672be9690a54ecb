using Microsoft.Extensions.Logging;

namespace Mesh.Server.State.Durability;

public sealed partial class DurableStateWriter
{
    private async Task FlushLoopAsync()
    {
        var batch = new List<Pending>();
        while (await _pending.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (_pending.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }
            try
            {
                WriteBatch(batch);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Nothing of the batch was applied: every writer learns its write failed.
                _logger.LogError(ex, "Writing {Count} commands to {Log} failed", batch.Count, _log.Path);
                batch.ForEach(p => p.Result.TrySetException(ex));
            }
        }
    }

    private void WriteBatch(List<Pending> batch)
    {
        var first = _store.LastIndex + 1;
        for (var i = 0; i < batch.Count; i++)
        {
            _log.Append(first + (ulong)i, batch[i].Command);
        }
        // One fsync for the whole batch: this is the group commit.
        _log.Sync();
        DurabilityMetrics.Synced(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Result.TrySetResult(_store.Apply(batch[i].Command, first + (ulong)i));
        }
        _entriesSinceSnapshot += batch.Count;
        if (_entriesSinceSnapshot >= _snapshotThreshold)
        {
            Snapshot();
        }
    }

    private void Snapshot()
    {
        var path = Path.Combine(_directory, SnapshotName);
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            _store.WriteSnapshot(file);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
        Consensus.Storage.DirectorySync.Flush(_directory);
        _log.Truncate();
        _entriesSinceSnapshot = 0;
        _logger.LogInformation("Snapshot at index {Index}; command log emptied", _store.LastIndex);
    }
}
