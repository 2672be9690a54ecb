namespace Mesh.Server.Config;

/// <summary>
/// Where a config value came from: a file (or request body) with a 1-based line and column, or a
/// command-line flag (line 0). Renders as <c>file:line:column</c>, the prefix of every config error.
/// </summary>
public readonly record struct SourcePosition(string Source, int Line, int Column)
{
    /// <summary>A value set by a command-line flag, e.g. <c>Flag("datacenter")</c>.</summary>
    public static SourcePosition Flag(string name) => new($"flag -{name}", 0, 0);

    public override string ToString() => Line == 0 ? Source : $"{Source}:{Line}:{Column}";
}
