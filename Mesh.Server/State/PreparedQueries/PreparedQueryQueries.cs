using Mesh.Server.State.Queries;

namespace Mesh.Server.State.PreparedQueries;

/// <summary>Every prepared query, by ID.</summary>
public sealed record PreparedQueryListQuery : StateQuery<IReadOnlyList<PreparedQuery>>
{
    internal override IReadOnlyList<PreparedQuery> Run(StateReader reader) => reader.PreparedQueries();
}

/// <summary>One prepared query by ID, null when unknown.</summary>
public sealed record PreparedQueryGetQuery(string ID) : StateQuery<PreparedQuery?>
{
    internal override PreparedQuery? Run(StateReader reader) => reader.PreparedQuery(ID);
}

/// <summary>
/// The query <paramref name="IDOrName"/> names and the instances of its service (or their proxies, for a Connect
/// query or with <paramref name="Connect"/>) in one read, so that a client agent gets both from one server at one
/// index. Null query: unknown.
/// </summary>
public sealed record PreparedQueryExecuteQuery(string IDOrName, bool Connect = false) : StateQuery<PreparedQueryExecution>
{
    internal override PreparedQueryExecution Run(StateReader reader)
    {
        if (reader.ResolvePreparedQuery(IDOrName) is not { } query)
        {
            return new PreparedQueryExecution(null, []);
        }
        var service = query.Service;
        return new PreparedQueryExecution(query, service.Connect || Connect ? reader.ConnectEntries(service.Service) : reader.ServiceEntries(service.Service));
    }
}

/// <summary>A resolved prepared query with every instance of its service, before filtering.</summary>
public sealed record PreparedQueryExecution(PreparedQuery? Query, IReadOnlyList<ServiceEntry> Entries);
