using System.Globalization;
using System.Text;

namespace Mesh.Server.Config;

/// <summary>
/// Reads strict JSON (RFC 8259) into the same position-tracked tree the HCL parser builds, so config
/// files in JSON and HTTP request bodies bind through the same code with file:line:column errors.
/// </summary>
public sealed class JsonConfigReader
{
    private readonly TextCursor _cursor;
    private int _depth;

    private JsonConfigReader(string text, string sourceName) => _cursor = new TextCursor(text, sourceName);

    /// <summary>Parses one JSON value. <paramref name="sourceName"/> prefixes error positions (a path, or e.g. "request body").</summary>
    public static ConfigNode Parse(string text, string sourceName)
    {
        var reader = new JsonConfigReader(text, sourceName);
        if (reader._cursor.Current == '\uFEFF')
        {
            reader._cursor.Advance();
        }

        var value = reader.ParseValue();
        reader.SkipWhitespace();
        if (!reader._cursor.AtEnd)
        {
            throw reader._cursor.Error($"unexpected {reader.Found()} after the JSON value");
        }

        return value;
    }

    private void SkipWhitespace()
    {
        while (_cursor.Current is ' ' or '\t' or '\r' or '\n')
        {
            _cursor.Advance();
        }
    }

    private ConfigNode ParseValue()
    {
        SkipWhitespace();
        var start = _cursor.Position;
        var c = _cursor.Current;
        switch (c)
        {
            case '{':
                return ParseObject();
            case '[':
                return ParseArray();
            case '"':
                return new ConfigScalar(start, ScalarKind.String, ParseString());
            case '-' or (>= '0' and <= '9'):
                return new ConfigScalar(start, ScalarKind.Number, ParseNumber());
        }

        foreach (var (word, kind) in new[] { ("true", ScalarKind.Bool), ("false", ScalarKind.Bool), ("null", ScalarKind.Null) })
        {
            if (_cursor.StartsWith(word) && !char.IsLetterOrDigit(_cursor.Peek(word.Length)))
            {
                _cursor.Advance(word.Length);
                return new ConfigScalar(start, kind, word);
            }
        }

        throw _cursor.Error($"expected a JSON value, found {Found()}");
    }

    private ConfigObject ParseObject()
    {
        var start = Enter();
        var entries = new List<ConfigEntry>();
        SkipWhitespace();
        if (_cursor.Current == '}')
        {
            return Leave(new ConfigObject(start, entries));
        }

        while (true)
        {
            SkipWhitespace();
            var keyPosition = _cursor.Position;
            if (_cursor.Current != '"')
            {
                var what = entries.Count == 0 ? "a string key or \"}\"" : "a string key after \",\"";
                throw _cursor.Error($"expected {what}, found {Found()}");
            }

            var key = ParseString();
            SkipWhitespace();
            if (_cursor.Current != ':')
            {
                throw _cursor.Error($"expected \":\" after the key \"{key}\", found {Found()}");
            }

            _cursor.Advance();
            entries.Add(new ConfigEntry(key, keyPosition, ParseValue()));
            SkipWhitespace();
            if (_cursor.Current == ',')
            {
                _cursor.Advance();
                continue;
            }

            if (_cursor.Current == '}')
            {
                return Leave(new ConfigObject(start, entries));
            }

            throw _cursor.Error($"expected \",\" or \"}}\" after a value in the object opened at {start.Line}:{start.Column}, found {Found()}");
        }
    }

    private ConfigList ParseArray()
    {
        var start = Enter();
        var items = new List<ConfigNode>();
        SkipWhitespace();
        if (_cursor.Current == ']')
        {
            return Leave(new ConfigList(start, items));
        }

        while (true)
        {
            items.Add(ParseValue());
            SkipWhitespace();
            if (_cursor.Current == ',')
            {
                _cursor.Advance();
                continue;
            }

            if (_cursor.Current == ']')
            {
                return Leave(new ConfigList(start, items));
            }

            throw _cursor.Error($"expected \",\" or \"]\" after a value in the array opened at {start.Line}:{start.Column}, found {Found()}");
        }
    }

    private SourcePosition Enter()
    {
        var start = _cursor.Position;
        if (++_depth > HclParser.MaxDepth)
        {
            throw _cursor.Error($"values are nested more than {HclParser.MaxDepth} deep");
        }

        _cursor.Advance();
        return start;
    }

    private T Leave<T>(T node)
    {
        _cursor.Advance();
        _depth--;
        return node;
    }

    private string Found() => _cursor.AtEnd ? "end of file" : TextCursor.Show(_cursor.Current);

    private string ParseNumber()
    {
        var start = _cursor.Position;
        var sb = new StringBuilder();
        if (_cursor.Current == '-')
        {
            sb.Append(_cursor.Advance());
        }

        if (_cursor.Current == '0')
        {
            sb.Append(_cursor.Advance());
        }
        else if (!AppendDigits(sb))
        {
            throw new ConfigException(start, "invalid number: expected a digit");
        }

        if (_cursor.Current == '.' && !AppendDigits(sb.Append(_cursor.Advance())))
        {
            throw new ConfigException(start, "invalid number: expected a digit after \".\"");
        }

        if (_cursor.Current is 'e' or 'E')
        {
            sb.Append(_cursor.Advance());
            if (_cursor.Current is '+' or '-')
            {
                sb.Append(_cursor.Advance());
            }

            if (!AppendDigits(sb))
            {
                throw new ConfigException(start, "invalid number: expected a digit in the exponent");
            }
        }

        return sb.ToString();
    }

    private bool AppendDigits(StringBuilder sb)
    {
        var any = false;
        while (char.IsAsciiDigit(_cursor.Current))
        {
            sb.Append(_cursor.Advance());
            any = true;
        }

        return any;
    }

    private string ParseString()
    {
        var start = _cursor.Position;
        _cursor.Advance();
        var sb = new StringBuilder();
        while (true)
        {
            if (_cursor.AtEnd)
            {
                throw new ConfigException(start, "string is not closed with '\"'");
            }

            if (_cursor.Current < ' ')
            {
                throw _cursor.Error($"{TextCursor.Show(_cursor.Current)} is not allowed in a JSON string (escape it)");
            }

            var escape = _cursor.Position;
            var c = _cursor.Advance();
            if (c == '"')
            {
                return sb.ToString();
            }

            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }

            var e = _cursor.AtEnd ? '\0' : _cursor.Advance();
            switch (e)
            {
                case '"' or '\\' or '/': sb.Append(e); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u': sb.Append(ReadHex4(escape)); break;
                default: throw new ConfigException(escape, $"invalid escape \"\\{(e == '\0' ? "" : e)}\" in string");
            }
        }
    }

    private char ReadHex4(SourcePosition escape)
    {
        var hex = new StringBuilder();
        while (hex.Length < 4 && char.IsAsciiHexDigit(_cursor.Current))
        {
            hex.Append(_cursor.Advance());
        }

        if (hex.Length != 4)
        {
            throw new ConfigException(escape, "escape \"\\u\" needs 4 hex digits");
        }

        return (char)int.Parse(hex.ToString(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }
}
