namespace Mesh.Bench;

/// <summary>A three-member replicated store the Raft rows load: writes go to its leader; each member counts its fsyncs.</summary>
internal interface IReplicatedCluster : IAsyncDisposable
{
    /// <summary>The column id in the console and the report.</summary>
    string Column { get; }

    /// <summary>The column's header in the Markdown table.</summary>
    string Header { get; }

    /// <summary>Writes (and the read-back check) addressed to the member that leads.</summary>
    IKvTarget Leader { get; }

    /// <summary>Every member's fsync and log entry counters, as of now.</summary>
    Task<IReadOnlyList<SyncSample>> SampleAsync(CancellationToken cancellationToken);

    /// <summary>Fails in one line if a member died.</summary>
    void EnsureRunning();
}

/// <summary>One member's counters: fsyncs of its log so far, and the index of its last log entry (or last commit).</summary>
internal sealed record SyncSample(string Member, bool IsLeader, double Syncs, double Entries);
