using Mesh.Server.Consensus;

namespace Mesh.Simulation;

/// <summary>
/// One server's disk. Writes queue up in order and become durable at the next sync; a crash keeps only a
/// random prefix of the unsynced writes (a torn tail), as a real disk with checksummed records would.
/// </summary>
internal sealed class SimDisk
{
    private readonly List<DiskWrite> _pending = [];
    private readonly List<LogEntry> _log = [];
    private readonly List<StoredSnapshot> _snapshots = [];
    private StoredSnapshot? _staging;

    public HardState HardState { get; private set; } = HardState.Initial;

    public int SyncCount { get; private set; }

    public void Seed(PersistentState state)
    {
        HardState = state.HardState;
        _log.AddRange(state.Entries);
    }

    /// <summary>Queues a persist; <paramref name="sequence"/> marks where its sync ends.</summary>
    public void Write(Persist persist)
    {
        if (persist.HardState is not null)
        {
            _pending.Add(new DiskWrite.SetHardState(persist.HardState));
        }
        if (persist.ResetToSnapshot is not null)
        {
            // Two writes, as on a real disk (snapshot file, then log truncation): a crash may fall in between.
            _pending.Add(new DiskWrite.InstallSnapshot(persist.ResetToSnapshot));
            _pending.Add(new DiskWrite.ClearLog());
        }
        foreach (var entry in persist.Entries)
        {
            _pending.Add(new DiskWrite.Append(entry));
        }
        _pending.Add(new DiskWrite.SyncMark(persist.Sequence));
    }

    public void Write(SaveSnapshotChunk chunk) => _pending.Add(new DiskWrite.Chunk(chunk.Snapshot, chunk.Offset, chunk.Data));

    public void Write(CompactLog compact) => _pending.Add(new DiskWrite.Compact(compact.FirstIndexToKeep));

    /// <summary>fsync through the persist with <paramref name="sequence"/>.</summary>
    public void SyncThrough(ulong sequence)
    {
        SyncCount++;
        var end = _pending.FindIndex(w => w is DiskWrite.SyncMark mark && mark.Sequence == sequence);
        if (end < 0)
        {
            throw new SimulationException($"sync of persist #{sequence}, which was never written");
        }
        _pending.Take(end + 1).ToList().ForEach(Perform);
        _pending.RemoveRange(0, end + 1);
    }

    /// <summary>Power loss: some prefix of the unsynced writes made it to the platter, the rest is gone.</summary>
    public void Crash(Random random)
    {
        var survivors = random.Next(_pending.Count + 1);
        _pending.Take(survivors).ToList().ForEach(Perform);
        _pending.Clear();
        _staging = null;
    }

    /// <summary>A snapshot the state machine wrote (its own file, synced).</summary>
    public void StoreSnapshot(SnapshotMetadata snapshot, byte[] data) => Keep(new StoredSnapshot(snapshot, data));

    public byte[]? SnapshotData(SnapshotMetadata snapshot) =>
        _snapshots.Find(s => s.Metadata.Index == snapshot.Index && s.Metadata.Term == snapshot.Term)?.Data;

    public StoredSnapshot? Newest => _snapshots.Count == 0 ? null : _snapshots[^1];

    public PersistentState Recover() => new(HardState, Newest?.Metadata, [.. _log]);

    private void Keep(StoredSnapshot snapshot)
    {
        _snapshots.RemoveAll(s => s.Metadata.Index == snapshot.Metadata.Index);
        _snapshots.Add(snapshot);
        _snapshots.Sort((a, b) => a.Metadata.Index.CompareTo(b.Metadata.Index));
        // Like the host: the two newest are kept (a transfer may still be reading the older one).
        if (_snapshots.Count > 2)
        {
            _snapshots.RemoveAt(0);
        }
    }

    private void Perform(DiskWrite write)
    {
        switch (write)
        {
            case DiskWrite.SetHardState set:
                HardState = set.State;
                break;
            case DiskWrite.InstallSnapshot install:
                if (_staging is not null && _staging.Metadata.SameAs(install.Snapshot))
                {
                    Keep(_staging with { Metadata = install.Snapshot });
                    _staging = null;
                }
                else if (SnapshotData(install.Snapshot) is null)
                {
                    throw new SimulationException($"reset to {install.Snapshot}, which was neither received nor stored");
                }
                break;
            case DiskWrite.ClearLog:
                _log.Clear();
                break;
            case DiskWrite.Append append:
                var entry = append.Entry;
                if (_log.Count > 0 && entry.Index > _log[^1].Index + 1)
                {
                    throw new SimulationException($"append of entry {entry.Index} leaves a gap after {_log[^1].Index}");
                }
                if (_log.Count > 0 && entry.Index <= _log[^1].Index)
                {
                    var from = (int)Math.Max(0, (long)entry.Index - (long)_log[0].Index);
                    _log.RemoveRange(from, _log.Count - from);
                }
                _log.Add(entry);
                break;
            case DiskWrite.Chunk chunk:
                if (chunk.Offset == 0)
                {
                    _staging = new StoredSnapshot(chunk.Snapshot, []);
                }
                if (_staging is null || !_staging.Metadata.SameAs(chunk.Snapshot) || _staging.Data.Length != chunk.Offset)
                {
                    throw new SimulationException($"snapshot chunk at offset {chunk.Offset} does not continue what was stored");
                }
                _staging = _staging with { Data = [.. _staging.Data, .. chunk.Data] };
                break;
            case DiskWrite.Compact compact:
                _log.RemoveAll(e => e.Index < compact.FirstIndexToKeep);
                break;
        }
    }

    private abstract record DiskWrite
    {
        public sealed record SetHardState(HardState State) : DiskWrite;

        public sealed record InstallSnapshot(SnapshotMetadata Snapshot) : DiskWrite;

        public sealed record ClearLog : DiskWrite;

        public sealed record Append(LogEntry Entry) : DiskWrite;

        public sealed record Chunk(SnapshotMetadata Snapshot, long Offset, byte[] Data) : DiskWrite;

        public sealed record Compact(ulong FirstIndexToKeep) : DiskWrite;

        public sealed record SyncMark(ulong Sequence) : DiskWrite;
    }
}

internal sealed record StoredSnapshot(SnapshotMetadata Metadata, byte[] Data);
