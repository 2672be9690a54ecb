using Mesh.Server.Consensus;
using Mesh.Server.State;

namespace Mesh.Server.Cluster;

/// <summary>Snapshots of the state store as archives (GET /v1/snapshot) and their restore (PUT /v1/snapshot).</summary>
public static class StateSnapshots
{
    /// <summary>Captures the store now; <paramref name="term"/> and <paramref name="configuration"/> describe the Raft it replicates.</summary>
    public static async Task<SavedSnapshot> SaveAsync(
        StateStore store, ulong term, ClusterConfiguration configuration, TimeProvider time, CancellationToken cancellationToken = default)
    {
        var captured = store.Capture();
        using var state = new MemoryStream();
        captured.WriteTo(state);
        var taken = time.GetUtcNow();
        var meta = SnapshotMeta.For(term, captured.Index, configuration, state.Length, taken);
        using var archive = new MemoryStream();
        await SnapshotArchive.WriteAsync(archive, meta, new ArraySegment<byte>(state.GetBuffer(), 0, (int)state.Length), taken, cancellationToken)
            .ConfigureAwait(false);
        return new SavedSnapshot(captured.Index, archive.ToArray());
    }

    /// <summary>
    /// Verifies <paramref name="archive"/> and replaces the whole state with it through <paramref name="writer"/>
    /// (on every server, through Raft). A damaged archive is an <see cref="InvalidDataException"/> and changes nothing.
    /// </summary>
    public static async Task RestoreAsync(IStateWriter writer, Stream archive, CancellationToken cancellationToken = default)
    {
        var snapshot = await SnapshotArchive.ReadAsync(archive, cancellationToken).ConfigureAwait(false);
        var command = StateStore.RestoreCommand(snapshot.State);
        var result = await writer.ApplyAsync(command, cancellationToken).ConfigureAwait(false);
        if (result.Error is { } error)
        {
            throw new InvalidDataException(error);
        }
    }
}
