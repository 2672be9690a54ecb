using Mesh.Server.State.PreparedQueries;

namespace Mesh.Server.State;

// Prepared queries, with the state store's checks of Consul: unique names (case-insensitively, as Consul's
// lower-cased name index), no name that is another query's ID, an existing session; a query bound to a session is
// deleted when the session is invalidated.
public sealed partial class StateStore
{
    private const string PreparedQueriesTable = "prepared-queries";

    private readonly Dictionary<string, PreparedQuery> _preparedQueries = new(StringComparer.OrdinalIgnoreCase);

    private ApplyResult ApplyPreparedQuery(PreparedQueryApply apply, ulong index, ChangeSet changes)
    {
        var query = apply.Query;
        _preparedQueries.TryGetValue(query.ID, out var existing);
        if (apply.Op == PreparedQueryOp.Create ? existing is not null : existing is null)
        {
            return new ApplyResult(index, false, apply.Op == PreparedQueryOp.Create
                ? "ID must be empty when creating a new prepared query"
                : $"Cannot modify non-existent prepared query: '{query.ID}'");
        }
        if (apply.Op == PreparedQueryOp.Delete)
        {
            _preparedQueries.Remove(query.ID);
            PreparedQueriesChanged(index, changes);
            return new ApplyResult(index, true);
        }
        if ((PreparedQueryValidation.Validate(query) ?? Conflict(query, existing)) is { } invalid)
        {
            return new ApplyResult(index, false, invalid);
        }
        _preparedQueries[query.ID] = query with { CreateIndex = existing?.CreateIndex ?? index, ModifyIndex = index };
        PreparedQueriesChanged(index, changes);
        return new ApplyResult(index, true);
    }

    /// <summary>Why the query may not be stored beside the others (Consul's preparedQuerySetTxn), null when it may.</summary>
    private string? Conflict(PreparedQuery query, PreparedQuery? existing)
    {
        if (query.Name.Length > 0 && FindPreparedQueryByName(query.Name) is { } other && other.ID != existing?.ID)
        {
            return $"name '{query.Name}' aliases an existing query name";
        }
        if (Guid.TryParse(query.Name, out _) && _preparedQueries.ContainsKey(query.Name))
        {
            return $"name '{query.Name}' aliases an existing query ID";
        }
        return query.Session.Length > 0 && !_sessions.ContainsKey(query.Session)
            ? $"invalid session \"{query.Session}\""
            : null;
    }

    private PreparedQuery? FindPreparedQueryByName(string name) =>
        _preparedQueries.Values.FirstOrDefault(q => string.Equals(q.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>An invalidated session takes the queries bound to it along (Consul's deleteSessionTxn).</summary>
    private void DeleteSessionPreparedQueries(string session, ulong index, ChangeSet changes)
    {
        var bound = _preparedQueries.Values.Where(q => q.Session == session).Select(q => q.ID).ToList();
        if (bound.Count == 0)
        {
            return;
        }
        bound.ForEach(id => _preparedQueries.Remove(id));
        PreparedQueriesChanged(index, changes);
    }

    private void PreparedQueriesChanged(ulong index, ChangeSet changes)
    {
        BumpTable(PreparedQueriesTable, index);
        changes.Add(WatchKey.PreparedQueries);
    }

    internal IReadOnlyList<PreparedQuery> ReadPreparedQueries(StateReader reader)
    {
        reader.Touch(WatchKey.PreparedQueries, TableIndex(PreparedQueriesTable));
        return [.. _preparedQueries.Values.OrderBy(q => q.ID, StringComparer.Ordinal)];
    }

    internal PreparedQuery? ReadPreparedQuery(StateReader reader, string id)
    {
        reader.Touch(WatchKey.PreparedQueries, TableIndex(PreparedQueriesTable));
        return _preparedQueries.GetValueOrDefault(id);
    }

    /// <summary>The query an execute names: by ID when it looks like one, else by name (Consul's PreparedQueryResolve).</summary>
    internal PreparedQuery? ResolvePreparedQuery(StateReader reader, string idOrName)
    {
        reader.Touch(WatchKey.PreparedQueries, TableIndex(PreparedQueriesTable));
        if (Guid.TryParse(idOrName, out _) && _preparedQueries.TryGetValue(idOrName, out var byId))
        {
            return byId;
        }
        return idOrName.Length == 0 ? null : FindPreparedQueryByName(idOrName);
    }

    private void ReplacePreparedQueries(IEnumerable<PreparedQuery>? queries)
    {
        _preparedQueries.Clear();
        foreach (var query in queries ?? [])
        {
            _preparedQueries[query.ID] = query;
        }
    }
}
