namespace Mesh.Server.Config;

/// <summary>
/// Parses HCL version 1 as Consul's config files use it: <c>key = value</c>, blocks <c>name { }</c>
/// (labelled <c>name "label" { }</c> nests one object per label, as HCL1 does), lists with optional
/// trailing commas, objects inside lists, strings, heredocs, numbers, bools and the three comment styles.
/// A text whose first character is <c>{</c> is JSON, as HCL1 decides too.
/// </summary>
public sealed class HclParser
{
    /// <summary>Deep enough for any config; stops hostile input from exhausting the stack.</summary>
    internal const int MaxDepth = 64;

    private readonly HclLexer _lexer;
    private HclToken _token;
    private int _depth;

    private HclParser(string text, string sourceName)
    {
        _lexer = new HclLexer(text, sourceName);
        _token = _lexer.Next();
    }

    /// <summary>Parses a whole HCL file (or JSON, when it starts with '{') into its top-level object.</summary>
    public static ConfigObject Parse(string text, string sourceName)
    {
        if (text.AsSpan().TrimStart(" \t\r\n\uFEFF").StartsWith("{"))
        {
            // A text starting with '{' either reads as an object or fails to parse.
            return (ConfigObject)JsonConfigReader.Parse(text, sourceName);
        }

        var entries = new HclParser(text, sourceName).ParseItems(closing: null);
        return new ConfigObject(new(sourceName, 1, 1), entries);
    }

    private HclToken Take()
    {
        var token = _token;
        _token = _lexer.Next();
        return token;
    }

    /// <summary>Object items up to the closing '}' (or the end of the file for the top level).</summary>
    private List<ConfigEntry> ParseItems(HclToken? closing)
    {
        var entries = new List<ConfigEntry>();
        var commaAllowed = false;
        while (true)
        {
            switch (_token.Kind)
            {
                case HclTokenKind.End when closing is null:
                    return entries;
                case HclTokenKind.End:
                    throw Error($"expected \"}}\" to close the object opened at {Where(closing.Value.Position)}, found end of file");
                case HclTokenKind.RBrace when closing is not null:
                    Take();
                    return entries;
                case HclTokenKind.Comma when commaAllowed:
                    Take();
                    commaAllowed = false;
                    continue;
                case HclTokenKind.Ident or HclTokenKind.String:
                    entries.Add(ParseItem());
                    commaAllowed = true;
                    continue;
                default:
                    throw Error($"expected a key, found {_token.Describe()}");
            }
        }
    }

    private ConfigEntry ParseItem()
    {
        var key = Take();
        var labels = new List<HclToken>();
        while (_token.Kind is HclTokenKind.Ident or HclTokenKind.String)
        {
            labels.Add(Take());
        }

        ConfigNode value;
        if (_token.Kind == HclTokenKind.Assign && labels.Count == 0)
        {
            Take();
            value = ParseValue();
        }
        else if (_token.Kind == HclTokenKind.LBrace)
        {
            value = ParseObject();
        }
        else
        {
            var after = labels.Count == 0 ? $"\"{key.Text}\"" : $"the labels of block \"{key.Text}\"";
            throw Error($"expected {(labels.Count == 0 ? "\"=\" or " : "")}\"{{\" after {after}, found {_token.Describe()}");
        }

        // service "web" { ... } is service = { web = { ... } } in HCL1.
        for (var i = labels.Count - 1; i >= 0; i--)
        {
            value = new ConfigObject(labels[i].Position, [new ConfigEntry(labels[i].Text, labels[i].Position, value)]);
        }

        return new ConfigEntry(key.Text, key.Position, value);
    }

    private ConfigNode ParseValue() => _token.Kind switch
    {
        HclTokenKind.String => Scalar(ScalarKind.String),
        HclTokenKind.Number => Scalar(ScalarKind.Number),
        HclTokenKind.Bool => Scalar(ScalarKind.Bool),
        HclTokenKind.LBrace => ParseObject(),
        HclTokenKind.LBracket => ParseList(),
        HclTokenKind.Ident => throw Error($"unexpected {_token.Describe()}: a value is a quoted string, number, true, false, list or object"),
        _ => throw Error($"expected a value, found {_token.Describe()}"),
    };

    private ConfigScalar Scalar(ScalarKind kind)
    {
        var token = Take();
        return new ConfigScalar(token.Position, kind, token.Text);
    }

    private ConfigObject ParseObject()
    {
        var open = Take();
        Enter(open);
        var entries = ParseItems(open);
        _depth--;
        return new ConfigObject(open.Position, entries);
    }

    private ConfigList ParseList()
    {
        var open = Take();
        Enter(open);
        var items = new List<ConfigNode>();
        while (_token.Kind != HclTokenKind.RBracket)
        {
            if (_token.Kind == HclTokenKind.End)
            {
                throw Error($"expected \"]\" to close the list opened at {Where(open.Position)}, found end of file");
            }

            items.Add(ParseValue());
            if (_token.Kind == HclTokenKind.Comma)
            {
                Take();
            }
            else if (_token.Kind != HclTokenKind.RBracket)
            {
                throw Error($"expected \",\" or \"]\" after a list item, found {_token.Describe()}");
            }
        }

        Take();
        _depth--;
        return new ConfigList(open.Position, items);
    }

    private void Enter(HclToken open)
    {
        if (++_depth > MaxDepth)
        {
            throw new ConfigException(open.Position, $"values are nested more than {MaxDepth} deep");
        }
    }

    private ConfigException Error(string detail) => new(_token.Position, detail);

    private static string Where(SourcePosition p) => $"{p.Line}:{p.Column}";
}
