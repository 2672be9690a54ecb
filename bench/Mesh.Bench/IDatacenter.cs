namespace Mesh.Bench;

/// <summary>Three servers of one replicated store, as the datacenter rows load them: the leader first, then the followers.</summary>
internal interface IDatacenter : IAsyncDisposable
{
    /// <summary>The column id in the console and the report.</summary>
    string Column { get; }

    /// <summary>The column's header in the Markdown table.</summary>
    string Header { get; }

    /// <summary>Each server's client address, the leader's first.</summary>
    IReadOnlyList<Uri> Servers { get; }

    /// <summary>Each server's process id, in the order of <see cref="Servers"/>.</summary>
    IReadOnlyList<int> Pids { get; }

    /// <summary>The KV API of <paramref name="server"/>, its reads as fresh as <paramref name="read"/> asks.</summary>
    IKvTarget Target(Uri server, KvRead read);

    /// <summary>Whether the first of <see cref="Servers"/> still leads (a row that saw a new leader is marked).</summary>
    Task<bool> LeaderUnchangedAsync(CancellationToken cancellationToken);

    /// <summary>Fails in one line if a server died.</summary>
    void EnsureRunning();
}
