namespace Mesh.Server.State.PreparedQueries;

/// <summary>The kinds of prepared query writes (Consul's PreparedQueryOp).</summary>
public enum PreparedQueryOp
{
    /// <summary>A new query, its ID chosen by the proposer (as Consul's leader does before the Raft apply).</summary>
    Create,
    /// <summary>Replaces the query with the same ID.</summary>
    Update,
    /// <summary>Removes the query with that ID (only the ID is read).</summary>
    Delete,
}

/// <summary>One prepared query write, checked as Consul's PreparedQuery.Apply and state store do, with their wording.</summary>
public sealed record PreparedQueryApply(PreparedQueryOp Op, PreparedQuery Query) : StateCommand;
