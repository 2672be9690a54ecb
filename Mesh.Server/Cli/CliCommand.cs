using System.CommandLine;

namespace Mesh.Server.Cli;

/// <summary>
/// A <c>mesh</c> command: its System.CommandLine definition plus the help Consul prints for it.
/// Every command takes its positionals as one list and checks their count itself, so the errors
/// read as Consul's ("Too many arguments (expected 1, got 2)").
/// </summary>
internal sealed class CliCommand : Command
{
    public CliCommand(string name, string synopsis, string help)
        : base(name, synopsis)
    {
        Help = help;
        Add(Positionals);
    }

    /// <summary>The usage line and the prose under it, as in Consul's <c>const help</c>.</summary>
    public string Help { get; }

    public Argument<string[]> Positionals { get; } = new("args") { Arity = ArgumentArity.ZeroOrMore };

    /// <summary>Flags listed under "HTTP API Options" rather than "Command Options" in help.</summary>
    public HashSet<Option> HttpOptions { get; } = [];

    public string[] GetPositionals(ParseResult result) => result.GetValue(Positionals) ?? [];

    /// <summary>
    /// A command that only groups subcommands. Run bare, it prints its help and fails, as Consul's
    /// <c>cli.RunResultHelp</c> does.
    /// </summary>
    public static CliCommand Group(CliContext context, string name, string synopsis, string help, params Command[] subcommands)
    {
        var group = new CliCommand(name, synopsis, help);
        foreach (var subcommand in subcommands)
        {
            group.Add(subcommand);
        }
        group.SetAction(_ =>
        {
            context.Info(CliHelp.Render(group));
            return 1;
        });
        return group;
    }
}
