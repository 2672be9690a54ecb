using System.CommandLine;

namespace Mesh.Server.Cli.Flags;

/// <summary>What <see cref="GoFlagNormalizer"/> made of a command line.</summary>
/// <param name="Tokens">Canonical tokens for System.CommandLine: command path, <c>--name=value</c> flags, then <c>--</c> and the positionals.</param>
/// <param name="Command">The command the line addresses.</param>
/// <param name="CommandPath">How users name that command, e.g. <c>mesh kv get</c>.</param>
/// <param name="Error">Go's message for a bad line, or null.</param>
internal sealed record NormalizedArgs(IReadOnlyList<string> Tokens, Command Command, string CommandPath, string? Error);

/// <summary>
/// Reads a command line the way Consul's CLI does (mitchellh/cli picks the subcommand, Go's flag
/// package the flags) and rewrites it into tokens that System.CommandLine parses unambiguously.
/// Go's rules: <c>-flag</c> and <c>--flag</c> are the same; a value follows after <c>=</c> or as the
/// next argument, except for booleans, which only take <c>=value</c> so that <c>-recurse foo</c>
/// keeps <c>foo</c> positional; flags end at the first non-flag argument, at a lone <c>-</c>, or after
/// <c>--</c>; a repeated single-valued flag keeps its last value. <c>-h</c>, <c>-help</c> and
/// <c>--help</c> anywhere before <c>--</c> ask for help.
/// </summary>
internal static class GoFlagNormalizer
{
    public const string HelpToken = "--help";

    public static NormalizedArgs Normalize(RootCommand root, IReadOnlyList<string> args, string programName)
    {
        Command command = root;
        var path = new List<string> { programName };
        var tokens = new List<string>();
        var index = 0;
        while (index < args.Count && command.Subcommands.FirstOrDefault(c => c.Name == args[index]) is { } subcommand)
        {
            command = subcommand;
            path.Add(subcommand.Name);
            tokens.Add(subcommand.Name);
            index++;
        }
        var commandPath = string.Join(' ', path);

        if (args.Skip(index).TakeWhile(a => a != "--").Any(a => a is "-h" or "-help" or "--help"))
        {
            tokens.Add(HelpToken);
            return new NormalizedArgs(tokens, command, commandPath, null);
        }

        var flags = new List<(Option Option, string Value)>();
        for (; index < args.Count; index++)
        {
            var arg = args[index];
            if (arg.Length < 2 || arg[0] != '-')
            {
                break;
            }
            if (arg == "--")
            {
                index++;
                break;
            }

            var name = arg[(arg[1] == '-' ? 2 : 1)..];
            if (name.Length == 0 || name[0] is '-' or '=')
            {
                return Fail($"bad flag syntax: {arg}");
            }
            string? value = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }

            var option = command.Options.FirstOrDefault(o => o is not System.CommandLine.Help.HelpOption && GoFlag.NameOf(o) == name);
            if (option is null)
            {
                return Fail($"flag provided but not defined: -{name}");
            }
            if (GoFlag.IsBoolean(option))
            {
                var flag = value is null ? true : GoFlag.ParseBool(value);
                if (flag is null)
                {
                    return Fail($"invalid boolean value \"{value}\" for -{name}: parse error");
                }
                value = flag.Value ? "true" : "false";
            }
            else if (value is null)
            {
                if (index + 1 >= args.Count)
                {
                    return Fail($"flag needs an argument: -{name}");
                }
                value = args[++index];
            }

            if (!IsRepeatable(option))
            {
                flags.RemoveAll(f => f.Option == option);
            }
            flags.Add((option, value));
        }

        foreach (var (option, value) in flags)
        {
            // "--name=" carries no argument for System.CommandLine, so an empty value goes alone.
            if (value.Length == 0)
            {
                tokens.Add(option.Name);
                tokens.Add(value);
            }
            else
            {
                tokens.Add($"{option.Name}={value}");
            }
        }

        if (index < args.Count)
        {
            if (command.Subcommands.Count > 0)
            {
                return Fail(command is RootCommand ? $"unknown command \"{args[index]}\"" : $"unknown subcommand \"{args[index]}\"");
            }
            tokens.Add("--");
            tokens.AddRange(args.Skip(index));
        }
        return new NormalizedArgs(tokens, command, commandPath, null);

        NormalizedArgs Fail(string error) => new(tokens, command, commandPath, error);
    }

    private static bool IsRepeatable(Option option) =>
        option.ValueType.IsArray || option.ValueType.IsAssignableTo(typeof(System.Collections.IEnumerable)) && option.ValueType != typeof(string);
}
