namespace Mesh.Server.Config;

/// <summary>
/// A configuration problem the user must fix. <see cref="Exception.Message"/> is one readable line,
/// <c>file:line:column: detail</c> when the position is known.
/// </summary>
public sealed class ConfigException(SourcePosition? position, string detail)
    : Exception(position is { } p ? $"{p}: {detail}" : detail)
{
    /// <summary>Where the offending value is, when it came from a file, a body or a flag.</summary>
    public SourcePosition? Position { get; } = position;

    /// <summary>The message without the position (what an HTTP 400 answer shows).</summary>
    public string Detail { get; } = detail;
}
