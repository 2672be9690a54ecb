using System.Globalization;
using System.Text;

namespace Mesh.Server.Config;

/// <summary>
/// Splits HCL (version 1, as Consul reads it) into tokens. Newlines are plain whitespace: HCL1 needs
/// no separator between object items, and commas are optional there.
/// </summary>
internal sealed class HclLexer(string text, string source)
{
    private readonly TextCursor _cursor = new(text, source);

    public HclToken Next()
    {
        SkipTrivia();
        var start = _cursor.Position;
        if (_cursor.AtEnd)
        {
            return new(HclTokenKind.End, "", start);
        }

        var c = _cursor.Current;
        switch (c)
        {
            case '{': return Punct(HclTokenKind.LBrace, start);
            case '}': return Punct(HclTokenKind.RBrace, start);
            case '[': return Punct(HclTokenKind.LBracket, start);
            case ']': return Punct(HclTokenKind.RBracket, start);
            case '=': return Punct(HclTokenKind.Assign, start);
            case ',': return Punct(HclTokenKind.Comma, start);
            case '"': return new(HclTokenKind.String, ReadString(), start);
            case '<' when _cursor.Peek(1) == '<': return new(HclTokenKind.String, ReadHeredoc(), start);
        }

        if (char.IsAsciiDigit(c) || (c == '-' && char.IsAsciiDigit(_cursor.Peek(1))))
        {
            return new(HclTokenKind.Number, ReadNumber(), start);
        }

        if (char.IsLetter(c) || c == '_')
        {
            var word = ReadIdent();
            return word is "true" or "false" ? new(HclTokenKind.Bool, word, start) : new(HclTokenKind.Ident, word, start);
        }

        throw _cursor.Error($"unexpected {TextCursor.Show(c)}");
    }

    private HclToken Punct(HclTokenKind kind, SourcePosition start) => new(kind, _cursor.Advance().ToString(), start);

    private void SkipTrivia()
    {
        while (!_cursor.AtEnd)
        {
            var c = _cursor.Current;
            if (c is ' ' or '\t' or '\r' or '\n' or '\uFEFF')
            {
                _cursor.Advance();
            }
            else if (c == '#' || (c == '/' && _cursor.Peek(1) == '/'))
            {
                while (!_cursor.AtEnd && _cursor.Current != '\n')
                {
                    _cursor.Advance();
                }
            }
            else if (c == '/' && _cursor.Peek(1) == '*')
            {
                var start = _cursor.Position;
                _cursor.Advance(2);
                while (!_cursor.StartsWith("*/"))
                {
                    if (_cursor.AtEnd)
                    {
                        throw new ConfigException(start, "comment is not closed with \"*/\"");
                    }

                    _cursor.Advance();
                }

                _cursor.Advance(2);
            }
            else
            {
                return;
            }
        }
    }

    private string ReadIdent()
    {
        var sb = new StringBuilder();
        while (char.IsLetterOrDigit(_cursor.Current) || _cursor.Current is '_' or '-' or '.')
        {
            sb.Append(_cursor.Advance());
        }

        return sb.ToString();
    }

    private string ReadNumber()
    {
        var start = _cursor.Position;
        var sb = new StringBuilder();
        if (_cursor.Current == '-')
        {
            sb.Append(_cursor.Advance());
        }

        AppendDigits(sb);
        if (_cursor.Current == '.')
        {
            sb.Append(_cursor.Advance());
            AppendDigits(sb);
        }

        if (_cursor.Current is 'e' or 'E')
        {
            sb.Append(_cursor.Advance());
            if (_cursor.Current is '+' or '-')
            {
                sb.Append(_cursor.Advance());
            }

            AppendDigits(sb);
        }

        var literal = sb.ToString();
        if (char.IsLetterOrDigit(_cursor.Current) || _cursor.Current is '_' or '.'
            || !double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            while (char.IsLetterOrDigit(_cursor.Current) || _cursor.Current is '_' or '.')
            {
                sb.Append(_cursor.Advance());
            }

            throw new ConfigException(start, $"invalid number \"{sb}\"");
        }

        return literal;
    }

    private void AppendDigits(StringBuilder sb)
    {
        while (char.IsAsciiDigit(_cursor.Current))
        {
            sb.Append(_cursor.Advance());
        }
    }

    private string ReadString()
    {
        var start = _cursor.Position;
        _cursor.Advance();
        var sb = new StringBuilder();
        while (true)
        {
            if (_cursor.AtEnd || _cursor.Current == '\n')
            {
                throw new ConfigException(start, "string is not closed with '\"' on the same line (use \\n or a heredoc for multiple lines)");
            }

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

            var escapeStart = _cursor.Position;
            var e = _cursor.AtEnd ? '\0' : _cursor.Advance();
            switch (e)
            {
                case '"': sb.Append('"'); break;
                case '\\': sb.Append('\\'); break;
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case 'u': sb.Append(ReadCodePoint(4, escapeStart)); break;
                case 'U': sb.Append(ReadCodePoint(8, escapeStart)); break;
                default:
                    throw new ConfigException(
                        new(escapeStart.Source, escapeStart.Line, escapeStart.Column - 1),
                        $"unknown escape sequence \"\\{(e == '\0' ? "" : e)}\" in string");
            }
        }
    }

    private string ReadCodePoint(int digits, SourcePosition escapeStart)
    {
        var hex = new StringBuilder();
        for (var i = 0; i < digits && char.IsAsciiHexDigit(_cursor.Current); i++)
        {
            hex.Append(_cursor.Advance());
        }

        if (hex.Length != digits
            || !int.TryParse(hex.ToString(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code)
            || code > 0x10FFFF || code is >= 0xD800 and <= 0xDFFF)
        {
            throw new ConfigException(
                new(escapeStart.Source, escapeStart.Line, escapeStart.Column - 1),
                $"escape \"\\{(digits == 4 ? 'u' : 'U')}\" needs {digits} hex digits of a valid code point");
        }

        return char.ConvertFromUtf32(code);
    }

    /// <summary>
    /// <c>&lt;&lt;EOF</c> ... <c>EOF</c>: the lines between, each ending in a newline. <c>&lt;&lt;-EOF</c>
    /// also removes the indentation the lines have in common.
    /// </summary>
    private string ReadHeredoc()
    {
        var start = _cursor.Position;
        _cursor.Advance(2);
        var indented = _cursor.Current == '-';
        if (indented)
        {
            _cursor.Advance();
        }

        var marker = ReadIdent();
        while (_cursor.Current is ' ' or '\t' or '\r')
        {
            _cursor.Advance();
        }

        if (marker.Length == 0 || _cursor.Current != '\n')
        {
            throw new ConfigException(start, "a heredoc starts with <<NAME (or <<-NAME) alone at the end of its line");
        }

        _cursor.Advance();
        var lines = new List<string>();
        while (true)
        {
            if (_cursor.AtEnd)
            {
                throw new ConfigException(start, $"heredoc is not closed by a line \"{marker}\"");
            }

            var line = new StringBuilder();
            while (!_cursor.AtEnd && _cursor.Current != '\n')
            {
                line.Append(_cursor.Advance());
            }

            if (!_cursor.AtEnd)
            {
                _cursor.Advance();
            }

            var content = line.ToString().TrimEnd('\r');
            if (content.Trim() == marker)
            {
                break;
            }

            lines.Add(content);
        }

        if (indented)
        {
            var indent = lines.Where(l => l.Trim().Length > 0)
                .Select(l => l.Length - l.TrimStart(' ', '\t').Length)
                .DefaultIfEmpty(0)
                .Min();
            lines = [.. lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart(' ', '\t'))];
        }

        return string.Concat(lines.Select(l => l + "\n"));
    }
}
