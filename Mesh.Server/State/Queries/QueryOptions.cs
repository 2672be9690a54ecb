namespace Mesh.Server.State.Queries;

/// <summary>How a read is answered: blocking (<see cref="MinIndex"/>, <see cref="Wait"/>) and its consistency.</summary>
public sealed record QueryOptions(ulong MinIndex = 0, TimeSpan Wait = default, Consistency Consistency = Consistency.Default)
{
    public static readonly QueryOptions Now = new();
}

/// <summary>Consul's consistency modes.</summary>
public enum Consistency
{
    /// <summary>The leader answers, trusting its lease.</summary>
    Default,
    /// <summary>The leader confirms leadership with a quorum first.</summary>
    Consistent,
    /// <summary>Any server answers from its own state.</summary>
    Stale,
}
