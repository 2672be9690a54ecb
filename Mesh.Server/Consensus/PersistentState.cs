namespace Mesh.Server.Consensus;

/// <summary>
/// What a server recovered from its storage at start: the hard state, the newest durable snapshot (if any) and
/// the durable log entries, contiguous and in index order.
/// </summary>
public sealed record PersistentState(HardState HardState, SnapshotMetadata? Snapshot, IReadOnlyList<LogEntry> Entries)
{
    /// <summary>A server that has never run: it waits to be added to a cluster by a leader.</summary>
    public static readonly PersistentState Empty = new(HardState.Initial, null, []);

    /// <summary>
    /// The initial storage of each founding server of a new cluster: term 1 and the configuration at index 1.
    /// Every founder must be bootstrapped with the same configuration.
    /// </summary>
    public static PersistentState Bootstrap(ClusterConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.Voters.Count == 0)
        {
            throw new ArgumentException("A cluster needs at least one voter to bootstrap.", nameof(configuration));
        }
        return new(new HardState(1, null), null, [new LogEntry(1, 1, EntryKind.Configuration, configuration.Encode())]);
    }
}
