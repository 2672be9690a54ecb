using Mesh.Server.Consensus.Storage;

namespace Mesh.Server.Consensus.Hosting;

/// <summary>Snapshots: taken from the state machine without stopping applies, streamed to followers, restored.</summary>
public sealed partial class RaftHost
{
    private Task _snapshotWrite = Task.CompletedTask;

    /// <summary>The newest durable snapshot, if any was taken or installed.</summary>
    public SnapshotMetadata? Snapshot => _storage.Snapshots.Newest?.Metadata;

    /// <summary>Runs on the apply worker with the state exactly at the snapshot's index; the write happens beside it.</summary>
    private void TakeSnapshotInBackground(SnapshotMetadata metadata, IRaftSnapshot snapshot)
    {
        // The core asks for one snapshot at a time, so the previous write has finished.
        _snapshotWrite = Task.Run(() =>
        {
            try
            {
                var started = _time.GetTimestamp();
                _storage.Snapshots.Save(metadata, snapshot.WriteTo);
                _metrics.SnapshotWritten(_time.GetElapsedTime(started));
                _events.Writer.TryWrite(new SnapshotTaken(metadata));
            }
            catch (Exception e)
            {
                FaultUnlessStopping(e);
            }
        });
    }

    private void ReadChunkInBackground(ReadSnapshotChunk read) =>
        _ = Task.Run(() =>
        {
            try
            {
                // A snapshot pruned meanwhile gets no answer; the core restarts that transfer with a newer one.
                if (_storage.Snapshots.ReadChunk(read.Snapshot, read.Offset, read.MaxBytes) is var (data, last))
                {
                    _events.Writer.TryWrite(new SnapshotChunkRead(read.Peer, read.Snapshot.Index, read.Offset, data, last));
                }
            }
            catch (Exception e)
            {
                FaultUnlessStopping(e);
            }
        });

    private void FaultUnlessStopping(Exception e)
    {
        if (!_stop.IsCancellationRequested)
        {
            Fault(e);
        }
    }

    /// <summary>Replaces the state machine's state; the snapshot was checked against its checksum when stored or opened.</summary>
    private void RestoreFrom(SnapshotFile snapshot)
    {
        using var data = snapshot.OpenData();
        _machine.Restore(data);
    }
}
