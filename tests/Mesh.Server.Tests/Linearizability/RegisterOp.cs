namespace Mesh.Server.Tests.Linearizability;

/// <summary>
/// An operation on one key's register. Values are strings and <c>null</c> means "absent" (no such key), which is
/// also every key's state before the history starts.
/// </summary>
public abstract record RegisterOp
{
    private protected RegisterOp()
    {
    }

    /// <summary>Whether <paramref name="result"/> is the kind of result this operation returns.</summary>
    internal abstract bool Accepts(RegisterResult result);
}

/// <summary>Reads the key; completes with <see cref="ReadValue"/> (the value, or null when the key is absent).</summary>
public sealed record ReadOp : RegisterOp
{
    internal override bool Accepts(RegisterResult result) => result is ReadValue;

    public override string ToString() => "Read";
}

/// <summary>Sets the key; completes with <see cref="Acknowledged"/>.</summary>
public sealed record WriteOp(string Value) : RegisterOp
{
    internal override bool Accepts(RegisterResult result) => result is Acknowledged;

    public override string ToString() => $"Write({OperationFormat.Value(Value)})";
}

/// <summary>
/// Compare-and-set on the VALUE: sets <see cref="New"/> only if the register holds <see cref="Expected"/> (null:
/// only if absent); completes with <see cref="CasOutcome"/>.
/// </summary>
/// <remarks>
/// The cluster test implements this with Consul's index-based <c>PUT ?cas=&lt;ModifyIndex&gt;</c> after a read that
/// saw <see cref="Expected"/> at that index (<c>?cas=0</c> when absent). The two agree only if no value is ever
/// written twice to a key: then the modify index changes exactly when the value does, so "index unchanged" equals
/// "value unchanged" (no ABA). Clients must therefore write unique values (for example client id + sequence number).
/// </remarks>
public sealed record CasOp(string? Expected, string New) : RegisterOp
{
    internal override bool Accepts(RegisterResult result) => result is CasOutcome;

    public override string ToString() => $"Cas({OperationFormat.Value(Expected)} -> {OperationFormat.Value(New)})";
}

/// <summary>Deletes the key (it becomes absent); completes with <see cref="Acknowledged"/>.</summary>
public sealed record DeleteOp : RegisterOp
{
    internal override bool Accepts(RegisterResult result) => result is Acknowledged;

    public override string ToString() => "Delete";
}
