namespace Mesh.Server.Tests.Linearizability;

/// <summary>What a completed operation returned to its client.</summary>
public abstract record RegisterResult
{
    private protected RegisterResult()
    {
    }
}

/// <summary>A read's result: the value, or null when the key was absent.</summary>
public sealed record ReadValue(string? Value) : RegisterResult
{
    public override string ToString() => OperationFormat.Value(Value);
}

/// <summary>A write or delete that the server acknowledged.</summary>
public sealed record Acknowledged : RegisterResult
{
    public override string ToString() => "ok";
}

/// <summary>Whether a compare-and-set swapped the value.</summary>
public sealed record CasOutcome(bool Swapped) : RegisterResult
{
    public override string ToString() => Swapped ? "true" : "false";
}
