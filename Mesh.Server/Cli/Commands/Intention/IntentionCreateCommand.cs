using Mesh.Server.Cli.Api;
using Mesh.Server.Cli.Flags;

namespace Mesh.Server.Cli.Commands.Intention;

/// <summary><c>mesh intention create</c>: a new L4 intention, or with <c>-replace</c> a new or replaced one.</summary>
internal static class IntentionCreateCommand
{
    private const string Help = """
        Usage: mesh intention create [options] SRC DST

          Create a new intention. The request will fail if an intention already
          exists for the SRC and DST combination, unless -replace is given.

          SRC and DST are service names; "*" matches every service.

          Create an intention that allows "web" to talk to "db":

              $ mesh intention create web db

          Create an intention that denies "db" from initiating connections to any service:

              $ mesh intention create -deny db '*'
        """;

    public static CliCommand Create(CliContext context)
    {
        var allow = GoFlag.Bool("allow", "Create an intention that allows when matched.");
        var deny = GoFlag.Bool("deny", "Create an intention that denies when matched.");
        var replace = GoFlag.Bool("replace", "Replace matching intentions.");
        var description = GoFlag.String("description", "A description of the intention.", "value");
        var meta = GoFlag.Map("meta", "Metadata to set on the intention, formatted as key=value. This flag may be specified multiple times to set multiple meta fields.", "key=value");

        var command = new CliCommand("create", "Create intentions for service connections.", Help) { allow, deny, replace, description, meta };
        var http = HttpFlags.AddTo(command, serverFlags: false);
        command.SetApiAction(http, context, Positionals.Any, async (result, args, api) =>
        {
            if (result.GetValue(allow) && result.GetValue(deny))
            {
                return context.Fail("Only one of -allow or -deny may be specified.");
            }
            if (args is not [var source, var destination])
            {
                return context.Fail("Must specify two arguments: source and destination");
            }
            var intention = new ApiIntention
            {
                SourceName = source,
                DestinationName = destination,
                Action = result.GetValue(deny) ? "deny" : "allow",
                Description = result.GetValue(description) ?? "",
                Meta = result.GetValue(meta) is { Count: > 0 } pairs ? new(pairs, StringComparer.Ordinal) : null,
            };
            var replacing = result.GetValue(replace);
            var failure = replacing
                ? $"Error replacing intention with source \"{source}\" and destination \"{destination}\""
                : $"Error creating intention \"{intention}\"";
            return await api.CallAsync(failure, async (client, cancellationToken) =>
            {
                await (replacing ? client.IntentionUpsertAsync(intention, cancellationToken) : client.IntentionCreateAsync(intention, cancellationToken));
                return context.Succeed($"Created: {intention}");
            });
        });
        return command;
    }
}
