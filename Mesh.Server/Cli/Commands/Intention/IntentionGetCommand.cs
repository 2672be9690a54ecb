using System.Globalization;
using Mesh.Server.Cli.Api;
using Mesh.Server.Cli.Flags;
using Mesh.Server.Cli.Output;

namespace Mesh.Server.Cli.Commands.Intention;

/// <summary><c>mesh intention get</c>: one intention as Consul's key/value block.</summary>
internal static class IntentionGetCommand
{
    private const string Help = """
        Usage: mesh intention get [options] SRC DST
               mesh intention get [options] ID

          Read and show the details about an intention. The intention can be looked
          up via an exact source/destination match or via the unique intention ID.

              $ mesh intention get web db
        """;

    public static CliCommand Create(CliContext context)
    {
        var command = new CliCommand("get", "Show information about an intention.", Help);
        var http = HttpFlags.AddTo(command, serverFlags: false);
        command.SetApiAction(http, context, Positionals.Any, async (_, args, api) =>
        {
            if (args.Length is not (1 or 2))
            {
                return context.Fail("command requires exactly 1 or 2 arguments");
            }
            return await api.CallAsync("Error reading the intention", async (client, cancellationToken) =>
            {
                var intention = args is [var source, var destination]
                    ? await client.IntentionGetExactAsync(source, destination, cancellationToken)
                        ?? throw new ApiException("Intention not found")
                    : await client.IntentionGetAsync(args[0], cancellationToken);
                return intention is null
                    ? context.Fail($"Intention with ID \"{args[0]}\" not found")
                    : context.Succeed(Format(intention));
            });
        });
        return command;
    }

    /// <summary>Consul's layout: one "Field:" per line, absent fields left out, times as Go's RFC 850 in UTC.</summary>
    internal static string Format(ApiIntention intention)
    {
        List<string> rows = [Row("Source:", intention.SourceName), Row("Destination:", intention.DestinationName)];
        if (intention.Action.Length > 0)
        {
            rows.Add(Row("Action:", intention.Action));
        }
        if (intention.ID.Length > 0)
        {
            rows.Add(Row("ID:", intention.ID));
        }
        if (intention.Description.Length > 0)
        {
            rows.Add(Row("Description:", intention.Description));
        }
        foreach (var (key, value) in (intention.Meta ?? []).OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            rows.Add(Row($"Meta[{key}]:", value));
        }
        if (intention.CreatedAt.Year > 1)
        {
            var utc = DateTime.SpecifyKind(intention.CreatedAt.ToUniversalTime(), DateTimeKind.Utc);
            rows.Add(Row("Created At:", utc.ToString("dddd, dd-MMM-yy HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)));
        }
        return Columnize.Format(rows);
    }

    private static string Row(string name, string value) => name + Columnize.UnitSeparator + value;
}
