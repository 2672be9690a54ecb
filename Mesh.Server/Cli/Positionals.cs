namespace Mesh.Server.Cli;

/// <summary>Checks a command's positional arguments: null when they are fine, else the exit code after saying what is wrong.</summary>
internal delegate int? PositionalRule(CliCommand command, string[] args, CliContext context);

/// <summary>The positional-argument checks Consul's commands make, each in Consul's wording.</summary>
internal static class Positionals
{
    /// <summary>Any number: the command reads them itself (files) or ignores them.</summary>
    public static readonly PositionalRule Any = static (_, _, _) => null;

    /// <summary>At most <paramref name="max"/>, else "Too many arguments (expected N, got M)".</summary>
    public static PositionalRule AtMost(int max) => (_, args, context) =>
        args.Length > max ? context.Fail($"Too many arguments (expected {max}, got {args.Length})") : null;

    /// <summary>None, else "Error found unexpected args: [a b]" followed by the command's help.</summary>
    public static readonly PositionalRule NoneShowingHelp = static (command, args, context) =>
    {
        if (args.Length == 0)
        {
            return null;
        }
        context.Fail($"Error found unexpected args: [{string.Join(' ', args)}]");
        context.Info(CliHelp.Render(command));
        return 1;
    };

    /// <summary>
    /// From <paramref name="min"/> to <paramref name="max"/>, else <paramref name="error"/>, a blank line and the
    /// command's help, all on standard error.
    /// </summary>
    public static PositionalRule CountShowingHelp(int min, int max, string error) => (command, args, context) =>
    {
        if (args.Length >= min && args.Length <= max)
        {
            return null;
        }
        context.Fail(error);
        context.Fail("");
        return context.Fail(CliHelp.Render(command));
    };
}
