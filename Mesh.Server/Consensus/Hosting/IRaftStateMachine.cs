namespace Mesh.Server.Consensus.Hosting;

/// <summary>
/// What a <see cref="RaftHost"/> replicates. Every method runs on the host's apply thread, in log order, so an
/// implementation needs no locking against itself (readers on other threads are its own concern).
/// </summary>
public interface IRaftStateMachine
{
    /// <summary>Applies a committed client command; the answer goes to the proposer on this server, if any.</summary>
    object? Apply(ulong index, byte[] command);

    /// <summary>
    /// Captures the state as it is now, after the entry a snapshot covers. Keep this cheap (a point-in-time view):
    /// the returned snapshot is written out on another thread while later entries are applied.
    /// </summary>
    IRaftSnapshot Capture();

    /// <summary>Replaces the whole state with a snapshot's, as <see cref="IRaftSnapshot.WriteTo"/> wrote it.</summary>
    void Restore(Stream snapshot);
}

/// <summary>A captured point-in-time state, written once to durable storage.</summary>
public interface IRaftSnapshot
{
    void WriteTo(Stream destination);
}

/// <summary>A replicated command's log index and the state machine's answer to it.</summary>
public readonly record struct RaftResult(ulong Index, object? Response);
