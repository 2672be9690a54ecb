using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Text;
using Mesh.Server.Cli.Flags;

namespace Mesh.Server.Cli;

/// <summary>
/// Help in Consul's layout: the command's usage text, then either its subcommands (as
/// mitchellh/cli lists them) or its flags grouped like Consul's <c>flags.Usage</c>.
/// </summary>
internal static class CliHelp
{
    private const int MaxLineLength = 72;
    private const int FlagIndent = 5;

    public static string Render(Command command) => command switch
    {
        CliCommand { Subcommands.Count: > 0 } group => group.Help.Trim() + "\n\nSubcommands:\n" + CommandList(group.Subcommands),
        CliCommand leaf => RenderLeaf(leaf),
        _ => $"Usage: {MeshCommand.ProgramName} [--version] [--help] <command> [<args>]\n\nAvailable commands are:\n" + CommandList(command.Subcommands),
    };

    private static string CommandList(IEnumerable<Command> commands)
    {
        var sorted = commands.OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        var width = sorted.Max(c => c.Name.Length);
        return string.Join('\n', sorted.Select(c => $"    {c.Name.PadRight(width)}    {c.Description}"));
    }

    private static string RenderLeaf(CliCommand command)
    {
        var output = new StringBuilder(command.Help.Trim()).Append("\n\n");
        var options = command.Options.Where(o => o is not HelpOption).OrderBy(GoFlag.NameOf, StringComparer.Ordinal).ToList();
        AppendSection(output, "HTTP API Options", options.Where(command.HttpOptions.Contains));
        AppendSection(output, "Command Options", options.Where(o => !command.HttpOptions.Contains(o)));
        return output.ToString().TrimEnd('\n');
    }

    private static void AppendSection(StringBuilder output, string title, IEnumerable<Option> options)
    {
        var list = options.ToList();
        if (list.Count == 0)
        {
            return;
        }
        output.Append(title).Append("\n\n");
        foreach (var option in list)
        {
            output.Append("  -").Append(GoFlag.NameOf(option));
            if (!GoFlag.IsBoolean(option))
            {
                output.Append("=<").Append(option.HelpName ?? "value").Append('>');
            }
            output.Append('\n');
            foreach (var line in Wrap(option.Description ?? "", MaxLineLength - FlagIndent))
            {
                output.Append(' ', FlagIndent).Append(line).Append('\n');
            }
            output.Append('\n');
        }
    }

    private static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }
            if (line.Length > 0)
            {
                line.Append(' ');
            }
            line.Append(word);
        }
        yield return line.ToString();
    }
}

/// <summary>Prints <see cref="CliHelp"/> for the addressed command in place of System.CommandLine's help.</summary>
internal sealed class CliHelpAction(CliContext context) : SynchronousCommandLineAction
{
    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        return context.Succeed(CliHelp.Render(parseResult.CommandResult.Command));
    }
}
