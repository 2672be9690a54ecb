namespace Mesh.Server.Tests.Linearizability;

public enum Verdict
{
    Linearizable,
    Violation,
    /// <summary>The search ran out of its time budget before finding either a linearization or a proof that none exists.</summary>
    Undetermined,
}
