namespace Mesh.Server.Config;

/// <summary>
/// A parsed config value with its position. HCL and JSON both produce this tree, so the binder and
/// its errors are the same for both formats.
/// </summary>
public abstract class ConfigNode(SourcePosition position)
{
    public SourcePosition Position { get; } = position;

    /// <summary>What kind of value this is, as error messages name it ("a string", "an object", ...).</summary>
    public abstract string Describe();
}

/// <summary>
/// An object (HCL body or block, JSON object). Entries keep their order and may repeat a key:
/// HCL's repeated blocks (<c>service { } service { }</c>) are two entries.
/// </summary>
public sealed class ConfigObject(SourcePosition position, IReadOnlyList<ConfigEntry> entries) : ConfigNode(position)
{
    public IReadOnlyList<ConfigEntry> Entries { get; } = entries;

    public override string Describe() => "an object";
}

public sealed record ConfigEntry(string Key, SourcePosition KeyPosition, ConfigNode Value);

public sealed class ConfigList(SourcePosition position, IReadOnlyList<ConfigNode> items) : ConfigNode(position)
{
    public IReadOnlyList<ConfigNode> Items { get; } = items;

    public override string Describe() => "a list";
}

public enum ScalarKind
{
    String,
    Number,
    Bool,
    Null,
}

/// <summary>A string, number (kept as its source text), bool or JSON null.</summary>
public sealed class ConfigScalar(SourcePosition position, ScalarKind kind, string text) : ConfigNode(position)
{
    public ScalarKind Kind { get; } = kind;

    /// <summary>The decoded string, the number's literal text, "true"/"false", or "null".</summary>
    public string Text { get; } = text;

    public override string Describe() => Kind switch
    {
        ScalarKind.String => "a string",
        ScalarKind.Number => "a number",
        ScalarKind.Bool => "a bool",
        _ => "null",
    };
}
