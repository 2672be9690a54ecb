using System.CommandLine;
using Mesh.Server.Cli.Flags;

namespace Mesh.Server.Cli.Api;

internal static class ApiCommand
{
    /// <summary>
    /// Sets the action of a command that talks to the agent: once the positionals pass
    /// <paramref name="rule"/>, <paramref name="action"/> gets them and an <see cref="ApiInvocation"/>
    /// that connects with <paramref name="http"/>.
    /// </summary>
    public static void SetApiAction(this CliCommand command, HttpFlags http, CliContext context, PositionalRule rule,
        Func<ParseResult, string[], ApiInvocation, Task<int>> action) =>
        command.SetAction(context, rule, (result, args, cancellationToken) =>
            action(result, args, new ApiInvocation(http, result, context, cancellationToken)));
}
