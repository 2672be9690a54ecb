namespace Mesh.Server.State.Queries;

/// <summary>
/// Where reads go: the local store on a server, a server over agent RPC from a client agent. The counterpart
/// of <see cref="IStateWriter"/>.
/// </summary>
public interface IStateReader
{
    Task<QueryResult<T>> QueryAsync<T>(StateQuery<T> query, QueryOptions options, CancellationToken cancellationToken = default);
}
