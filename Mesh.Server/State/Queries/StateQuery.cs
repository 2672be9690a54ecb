using System.Text.Json.Serialization;

namespace Mesh.Server.State.Queries;

/// <summary>
/// A named read of the state store. Reads are records, not lambdas, so that the same read runs against the
/// local store or travels to a server (client agents, followers forwarding to the leader).
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$query")]
[JsonDerivedType(typeof(KvGetQuery), "kv-get")]
[JsonDerivedType(typeof(KvListQuery), "kv-list")]
[JsonDerivedType(typeof(NodesQuery), "nodes")]
[JsonDerivedType(typeof(NodeQuery), "node")]
[JsonDerivedType(typeof(NodeChecksQuery), "node-checks")]
[JsonDerivedType(typeof(ServiceNamesQuery), "service-names")]
[JsonDerivedType(typeof(ServiceEntriesQuery), "service-entries")]
[JsonDerivedType(typeof(ServiceChecksQuery), "service-checks")]
[JsonDerivedType(typeof(ChecksQuery), "checks")]
[JsonDerivedType(typeof(Intentions.IntentionsQuery), "intentions")]
[JsonDerivedType(typeof(ConnectCa.ConnectCaQuery), "connect-ca")]
[JsonDerivedType(typeof(Txn.TxnReadQuery), "txn-read")]
[JsonDerivedType(typeof(Sessions.SessionGetQuery), "session-get")]
[JsonDerivedType(typeof(Sessions.SessionListQuery), "session-list")]
[JsonDerivedType(typeof(Sessions.SessionTimersQuery), "session-timers")]
[JsonDerivedType(typeof(Sessions.KvLockDelayQuery), "kv-lock-delay")]
[JsonDerivedType(typeof(PreparedQueries.PreparedQueryListQuery), "prepared-query-list")]
[JsonDerivedType(typeof(PreparedQueries.PreparedQueryGetQuery), "prepared-query-get")]
[JsonDerivedType(typeof(PreparedQueries.PreparedQueryExecuteQuery), "prepared-query-execute")]
public abstract record StateQuery
{
    /// <summary>Runs the read; the reader records what a blocking query must watch.</summary>
    internal abstract object? RunUntyped(StateReader reader);

    /// <summary>The CLR type of the result, for (de)serializing it.</summary>
    internal abstract Type ResultType { get; }

    /// <summary>Runs this query through <paramref name="reader"/> when its result type is known only at run time (RPC).</summary>
    internal abstract Task<QueryResult<object?>> QueryUntypedAsync(IStateReader reader, QueryOptions options, CancellationToken cancellationToken);
}

public abstract record StateQuery<T> : StateQuery
{
    internal abstract T Run(StateReader reader);

    internal sealed override object? RunUntyped(StateReader reader) => Run(reader);

    internal sealed override Type ResultType => typeof(T);

    internal sealed override async Task<QueryResult<object?>> QueryUntypedAsync(IStateReader reader, QueryOptions options, CancellationToken cancellationToken)
    {
        var result = await reader.QueryAsync(this, options, cancellationToken).ConfigureAwait(false);
        return new QueryResult<object?>(result.Value, result.Index) { KnownLeader = result.KnownLeader, LastContact = result.LastContact };
    }
}

public sealed record KvGetQuery(string Key) : StateQuery<KvEntry?>
{
    internal override KvEntry? Run(StateReader reader) => reader.KvGet(Key);
}

public sealed record KvListQuery(string Prefix) : StateQuery<IReadOnlyList<KvEntry>>
{
    internal override IReadOnlyList<KvEntry> Run(StateReader reader) => reader.KvList(Prefix);
}

public sealed record NodesQuery : StateQuery<IReadOnlyList<CatalogNode>>
{
    internal override IReadOnlyList<CatalogNode> Run(StateReader reader) => reader.Nodes();
}

/// <summary>One node and its services (null node: unknown).</summary>
public sealed record NodeQuery(string Node) : StateQuery<NodeServices>
{
    internal override NodeServices Run(StateReader reader) => new(reader.Node(Node), reader.NodeServices(Node));
}

public sealed record NodeChecksQuery(string Node) : StateQuery<IReadOnlyList<CatalogCheck>>
{
    internal override IReadOnlyList<CatalogCheck> Run(StateReader reader) => reader.NodeChecks(Node);
}

public sealed record ServiceNamesQuery : StateQuery<IReadOnlyDictionary<string, IReadOnlyList<string>>>
{
    internal override IReadOnlyDictionary<string, IReadOnlyList<string>> Run(StateReader reader) => reader.ServiceNames();
}

/// <summary>
/// The instances of a service with their nodes and checks; with <paramref name="Connect"/>, the instances that
/// accept mesh traffic for it instead (its sidecar proxies and connect-native instances).
/// </summary>
public sealed record ServiceEntriesQuery(string Service, bool Connect = false) : StateQuery<IReadOnlyList<ServiceEntry>>
{
    internal override IReadOnlyList<ServiceEntry> Run(StateReader reader) =>
        Connect ? reader.ConnectEntries(Service) : reader.ServiceEntries(Service);
}

public sealed record ServiceChecksQuery(string Service) : StateQuery<IReadOnlyList<CatalogCheck>>
{
    internal override IReadOnlyList<CatalogCheck> Run(StateReader reader) => reader.ServiceChecks(Service);
}

public sealed record ChecksQuery : StateQuery<IReadOnlyList<CatalogCheck>>
{
    internal override IReadOnlyList<CatalogCheck> Run(StateReader reader) => reader.AllChecks();
}

/// <summary>A node with the services registered on it.</summary>
public sealed record NodeServices(CatalogNode? Node, IReadOnlyList<CatalogService> Services);
