namespace Mesh.Server.Tests.Linearizability;

/// <summary>
/// The checker's answer. <see cref="Key"/> names the key that violates (or could not be decided); the explanation is
/// meant for a test failure message, with times in milliseconds since the history's first invocation.
/// </summary>
public sealed record LinearizabilityResult(Verdict Verdict, string? Key, string Explanation)
{
    public bool Ok => Verdict == Verdict.Linearizable;

    public override string ToString() => Explanation;
}
