using Mesh.Server.Consensus.Storage;

namespace Mesh.Server.Consensus.Hosting;

/// <summary>
/// One server's durable state in a directory: the hard state file and the segmented log. Snapshots are not
/// stored yet, so the log is never compacted and the state machine is rebuilt from the whole log at start.
/// </summary>
internal sealed class RaftStorage : IDisposable
{
    private readonly HardStateFile _hardState;
    private readonly SegmentedLog _log;

    private RaftStorage(HardStateFile hardState, SegmentedLog log)
    {
        _hardState = hardState;
        _log = log;
    }

    public static RaftStorage Open(string directory, ClusterConfiguration? bootstrap, out PersistentState state)
    {
        var hardStateFile = new HardStateFile(directory);
        var log = SegmentedLog.Open(Path.Combine(directory, "log"), out var entries);
        var storage = new RaftStorage(hardStateFile, log);
        var hardState = hardStateFile.Load();
        if (hardState == HardState.Initial && entries.Count == 0 && bootstrap is not null)
        {
            state = PersistentState.Bootstrap(bootstrap);
            storage.Write(state.HardState, null, state.Entries);
            return storage;
        }
        state = new PersistentState(hardState, null, entries);
        return storage;
    }

    /// <summary>Carries out a <see cref="Persist"/> in the order it prescribes, fsync included.</summary>
    public void Write(Persist persist) => Write(persist.HardState, persist.ResetToSnapshot, persist.Entries);

    public void CompactBefore(ulong firstIndexToKeep) => _log.CompactBefore(firstIndexToKeep);

    private void Write(HardState? hardState, SnapshotMetadata? resetToSnapshot, IReadOnlyList<LogEntry> entries)
    {
        if (hardState is not null)
        {
            _hardState.Save(hardState);
        }
        if (resetToSnapshot is not null)
        {
            throw new InvalidOperationException("This host does not install snapshots yet.");
        }
        if (entries.Count > 0)
        {
            _log.Append(entries);
            _log.Sync();
        }
    }

    public void Dispose() => _log.Dispose();
}
