namespace Mesh.Server.Consensus;

/// <summary>What a server must never forget: its current term and whom it voted for in it.</summary>
public sealed record HardState(ulong Term, string? VotedFor)
{
    public static readonly HardState Initial = new(0, null);
}
