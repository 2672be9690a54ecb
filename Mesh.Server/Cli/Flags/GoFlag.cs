using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Mesh.Server.Cli.Flags;

/// <summary>
/// Builds options that behave like Go's <c>flag</c> package declares them in Consul's commands:
/// every flag answers to <c>-name</c> and <c>--name</c>, booleans take no separate value, and bad
/// values fail with Go's wording. <see cref="GoFlagNormalizer"/> turns what users type into the
/// canonical <c>--name=value</c> tokens these options parse.
/// </summary>
internal static class GoFlag
{
    public static Option<bool> Bool(string name, string usage) =>
        new($"--{name}", $"-{name}") { Description = usage };

    /// <summary>A boolean whose absence matters (an agent flag that overrides config files only when given).</summary>
    public static Option<bool?> OptionalBool(string name, string usage) =>
        new($"--{name}", $"-{name}") { Description = usage };

    public static Option<string?> String(string name, string usage, string placeholder = "string") =>
        new($"--{name}", $"-{name}") { Description = usage, HelpName = placeholder };

    /// <summary>A string flag with a default, as Go's <c>StringVar(&amp;v, name, default, usage)</c>.</summary>
    public static Option<string> StringWithDefault(string name, string usage, string defaultValue, string placeholder) =>
        new($"--{name}", $"-{name}") { Description = usage, HelpName = placeholder, DefaultValueFactory = _ => defaultValue };

    public static Option<int?> Int(string name, string usage) =>
        Number(name, usage, "int", signed: true, static (string s, out int v) =>
            int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out v));

    public static Option<ulong?> UInt64(string name, string usage) =>
        Number(name, usage, "uint", signed: false, static (string s, out ulong v) =>
            ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out v));

    /// <summary>A flag that may be given many times, each adding one value (Consul's AppendSliceValue).</summary>
    public static Option<string[]> List(string name, string usage, string placeholder = "value") =>
        new($"--{name}", $"-{name}") { Description = usage, HelpName = placeholder, DefaultValueFactory = _ => [] };

    /// <summary>A repeatable <c>key=value</c> flag (Consul's FlagMapValue); later keys win.</summary>
    public static Option<IReadOnlyDictionary<string, string>> Map(string name, string usage, string placeholder = "value") =>
        new($"--{name}", $"-{name}")
        {
            Description = usage,
            HelpName = placeholder,
            DefaultValueFactory = _ => new Dictionary<string, string>(StringComparer.Ordinal),
            CustomParser = result =>
            {
                var map = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var token in result.Tokens)
                {
                    var equals = token.Value.IndexOf('=', StringComparison.Ordinal);
                    if (equals < 0)
                    {
                        result.AddError($"invalid value \"{token.Value}\" for flag -{name}: Missing \"=\" value in argument: {token.Value}");
                        return map;
                    }
                    map[token.Value[..equals]] = token.Value[(equals + 1)..];
                }
                return map;
            },
        };

    /// <summary>The flag's Go name (<c>recurse</c> for <c>--recurse</c>).</summary>
    public static string NameOf(Option option) => option.Name.TrimStart('-');

    public static bool IsBoolean(Option option) =>
        option.ValueType == typeof(bool) || option.ValueType == typeof(bool?);

    /// <summary>Go's strconv.ParseBool.</summary>
    public static bool? ParseBool(string value) => value switch
    {
        "1" or "t" or "T" or "TRUE" or "true" or "True" => true,
        "0" or "f" or "F" or "FALSE" or "false" or "False" => false,
        _ => null,
    };

    private delegate bool TryParse<T>(string text, out T value);

    private static Option<T?> Number<T>(string name, string usage, string placeholder, bool signed, TryParse<T> tryParse)
        where T : struct =>
        new($"--{name}", $"-{name}")
        {
            Description = usage,
            HelpName = placeholder,
            CustomParser = result => ParseNumber(result, name, signed, tryParse),
        };

    private static T? ParseNumber<T>(ArgumentResult result, string name, bool signed, TryParse<T> tryParse)
        where T : struct
    {
        var text = result.Tokens[^1].Value;
        if (tryParse(text, out var value))
        {
            return value;
        }
        // Go tells a well-formed number that does not fit apart from text that is no number at all.
        var digits = signed && text.Length > 1 && text[0] is '-' or '+' ? text[1..] : text;
        var reason = digits.Length > 0 && digits.All(char.IsAsciiDigit) ? "value out of range" : "parse error";
        result.AddError($"invalid value \"{text}\" for flag -{name}: {reason}");
        return null;
    }
}
