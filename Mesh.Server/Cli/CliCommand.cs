using System.CommandLine;

namespace Mesh.Server.Cli;

/// <summary>
/// A <c>mesh</c> command: its System.CommandLine definition plus the help Consul prints for it.
/// Every command takes its positionals as one list and checks them with a <see cref="PositionalRule"/>,
/// so the errors read as Consul's ("Too many arguments (expected 1, got 2)").
/// </summary>
internal sealed class CliCommand : Command
{
    private readonly Argument<string[]> _positionals = new("args") { Arity = ArgumentArity.ZeroOrMore };

    public CliCommand(string name, string synopsis, string help)
        : base(name, synopsis)
    {
        Help = help;
        Add(_positionals);
    }

    /// <summary>The usage line and the prose under it, as in Consul's <c>const help</c>.</summary>
    public string Help { get; }

    /// <summary>Flags listed under "HTTP API Options" rather than "Command Options" in help.</summary>
    public HashSet<Option> HttpOptions { get; } = [];

    /// <summary>Sets the action, which runs only once the positionals pass <paramref name="rule"/>.</summary>
    public void SetAction(CliContext context, PositionalRule rule, Func<ParseResult, string[], CancellationToken, Task<int>> action) =>
        SetAction((result, cancellationToken) =>
        {
            var args = result.GetValue(_positionals) ?? [];
            return rule(this, args, context) is { } exitCode ? Task.FromResult(exitCode) : action(result, args, cancellationToken);
        });

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
