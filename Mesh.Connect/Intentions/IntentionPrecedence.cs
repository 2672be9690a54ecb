namespace Mesh.Connect.Intentions;

/// <summary>
/// Consul's precedence (namespaces fixed to "default"): exact → exact 9, * → exact 8, exact → * 6, * → * 5.
/// The destination weighs more than the source: an intention about one destination beats one about all of them.
/// </summary>
public static class IntentionPrecedence
{
    public static int Of(string source, string destination) =>
        (IsWildcard(source), IsWildcard(destination)) switch
        {
            (false, false) => 9,
            (true, false) => 8,
            (false, true) => 6,
            (true, true) => 5,
        };

    public static bool IsWildcard(string name) => name == IntentionAction.Wildcard;

    /// <summary>Consul's listing (and match) order: higher precedence first, then by source and destination name.</summary>
    public static IOrderedEnumerable<Intention> Sort(IEnumerable<Intention> intentions) =>
        intentions
            .OrderByDescending(i => i.Precedence)
            .ThenBy(i => i.SourceName, StringComparer.Ordinal)
            .ThenBy(i => i.DestinationName, StringComparer.Ordinal);

    /// <summary>
    /// The one intention that governs a connection, or null: the most specific match, and at equal precedence a
    /// deny over an allow (with unique pairs only one can match per precedence; this keeps a tie safe regardless).
    /// </summary>
    public static Intention? Governing(IEnumerable<Intention> intentions, string source, string destination) =>
        intentions
            .Where(i => Matches(i, source, destination))
            .OrderByDescending(i => i.Precedence)
            .ThenBy(i => i.Action == IntentionAction.Deny ? 0 : 1)
            .FirstOrDefault();

    /// <summary>Whether the intention applies to a connection from <paramref name="source"/> to <paramref name="destination"/>.</summary>
    public static bool Matches(Intention intention, string source, string destination) =>
        (IsWildcard(intention.SourceName) || intention.SourceName == source)
        && (IsWildcard(intention.DestinationName) || intention.DestinationName == destination);
}
