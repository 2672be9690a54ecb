using System.Globalization;
using Mesh.Server.Cli.Api;
using Mesh.Server.Cli.Flags;
using Mesh.Server.Cli.Output;

namespace Mesh.Server.Cli.Commands.Intention;

/// <summary><c>mesh intention list</c>: every intention with its ID and precedence, most specific first.</summary>
internal static class IntentionListCommand
{
    private const string Help = """
        Usage: mesh intention list [options]

          List all intentions.
        """;

    public static CliCommand Create(CliContext context)
    {
        var command = new CliCommand("list", "List intentions.", Help);
        var http = HttpFlags.AddTo(command, serverFlags: false);
        command.SetApiAction(http, context, Positionals.NoneShowingHelp, (_, _, api) =>
            api.CallAsync("Failed to retrieve the intentions list", async (client, cancellationToken) =>
            {
                var intentions = await client.IntentionsAsync(cancellationToken);
                if (intentions.Count == 0)
                {
                    context.Fail("There are no intentions.");
                    return 2;
                }
                return context.Succeed(Format(intentions));
            }));
        return command;
    }

    internal static string Format(IReadOnlyList<ApiIntention> intentions)
    {
        List<string> rows = [Row("ID", "Source", "Action", "Destination", "Precedence")];
        rows.AddRange(intentions.Select(i =>
            Row(i.ID, i.SourceName, i.Action, i.DestinationName, i.Precedence.ToString(CultureInfo.InvariantCulture))));
        return Columnize.Format(rows);
    }

    private static string Row(params string[] fields) => string.Join(Columnize.UnitSeparator, fields);
}
