namespace Mesh.Server.Config;

/// <summary>Walks source text one character at a time, tracking the 1-based line and column.</summary>
internal sealed class TextCursor(string text, string source)
{
    private int _index;
    private int _line = 1;
    private int _column = 1;

    public string Source { get; } = source;

    public bool AtEnd => _index >= text.Length;

    /// <summary>The current character, or '\0' at the end.</summary>
    public char Current => Peek(0);

    public SourcePosition Position => new(Source, _line, _column);

    public char Peek(int offset) => _index + offset < text.Length ? text[_index + offset] : '\0';

    public bool StartsWith(string value) => string.CompareOrdinal(text, _index, value, 0, value.Length) == 0;

    public char Advance()
    {
        var c = text[_index++];
        if (c == '\n')
        {
            _line++;
            _column = 1;
        }
        else
        {
            _column++;
        }

        return c;
    }

    public void Advance(int count)
    {
        for (var i = 0; i < count; i++)
        {
            Advance();
        }
    }

    public ConfigException Error(string detail) => new(Position, detail);

    /// <summary>How a character reads in an error message.</summary>
    public static string Show(char c) => c switch
    {
        '\0' => "end of file",
        '\n' => "end of line",
        '\t' => "tab",
        _ when char.IsControl(c) => $"character U+{(int)c:X4}",
        _ => $"'{c}'",
    };
}
