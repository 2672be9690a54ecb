using Mesh.Server.Consensus.Storage;

namespace Mesh.Server.Consensus.Hosting;

/// <summary>One server's durable state in a directory: the hard state file, the segmented log and the snapshots.</summary>
internal sealed class RaftStorage : IDisposable
{
    private readonly HardStateFile _hardState;
    private readonly SegmentedLog _log;
    private long _syncs;

    private RaftStorage(HardStateFile hardState, SegmentedLog log, SnapshotStore snapshots)
    {
        _hardState = hardState;
        _log = log;
        Snapshots = snapshots;
    }

    public SnapshotStore Snapshots { get; }

    /// <summary>How many times the log was fsynced: group commit shows as fewer syncs than entries.</summary>
    public long Syncs => Interlocked.Read(ref _syncs);

    public static bool HasState(string directory) =>
        new HardStateFile(directory).Load() != HardState.Initial
        || SegmentedLog.HasEntries(Path.Combine(directory, "log"))
        || Directory.Exists(Path.Combine(directory, "snapshots")) && Directory.EnumerateFiles(Path.Combine(directory, "snapshots"), "*.snap").Any();

    public static RaftStorage Open(string directory, ClusterConfiguration? bootstrap, out PersistentState state)
    {
        var hardStateFile = new HardStateFile(directory);
        var log = SegmentedLog.Open(Path.Combine(directory, "log"), out var entries);
        var snapshots = SnapshotStore.Open(Path.Combine(directory, "snapshots"));
        var storage = new RaftStorage(hardStateFile, log, snapshots);
        var hardState = hardStateFile.Load();
        var snapshot = snapshots.Newest?.Metadata;
        if (hardState == HardState.Initial && entries.Count == 0 && snapshot is null && bootstrap is not null)
        {
            state = PersistentState.Bootstrap(bootstrap);
            storage.Write(state.HardState, null, state.Entries);
            return storage;
        }
        state = new PersistentState(hardState, snapshot, entries);
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
            // The snapshot is durable before the log it replaces goes: a crash in between keeps a stale log
            // behind a newer snapshot, which recovery recognises and drops.
            Snapshots.Install(resetToSnapshot);
            _log.Clear();
        }
        if (entries.Count > 0)
        {
            _log.Append(entries);
            _log.Sync();
            Interlocked.Increment(ref _syncs);
        }
    }

    public void Dispose()
    {
        _log.Dispose();
        Snapshots.Dispose();
    }
}
