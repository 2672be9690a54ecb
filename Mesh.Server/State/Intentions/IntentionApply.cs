using Mesh.Connect.Intentions;
namespace Mesh.Server.State.Intentions;

/// <summary>The kinds of intention writes, as Consul's IntentionOp plus the by-name upsert.</summary>
public enum IntentionOp
{
    /// <summary>Legacy POST: a new intention with a fresh ID; refused when its pair already has one.</summary>
    Create,
    /// <summary>Legacy PUT /:id: replaces the intention with that ID.</summary>
    Update,
    /// <summary>PUT exact: creates or replaces the intention of its pair.</summary>
    Upsert,
    /// <summary>DELETE: by ID when the intention has one, else by pair (deleting what is not there succeeds).</summary>
    Delete,
}

/// <summary>
/// One intention write. <paramref name="Now"/> stamps CreatedAt/UpdatedAt of legacy intentions; it is chosen by
/// the proposer, so that every replica stores the same time.
/// </summary>
public sealed record IntentionApply(IntentionOp Op, Intention Intention, DateTime Now) : StateCommand;
