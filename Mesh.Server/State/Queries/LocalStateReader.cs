namespace Mesh.Server.State.Queries;

/// <summary>Reads this agent's own store (a server, or dev mode).</summary>
public sealed class LocalStateReader(StateStore store) : IStateReader
{
    public Task<QueryResult<T>> QueryAsync<T>(StateQuery<T> query, QueryOptions options, CancellationToken cancellationToken = default) =>
        store.QueryAsync(query.Run, options.MinIndex, options.Wait, cancellationToken);
}
