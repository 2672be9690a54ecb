using System.Runtime.CompilerServices;
using Mesh.Server.Cli.Api;
using Mesh.Server.Cli.Flags;

namespace Mesh.Server.Cli.Commands.Watch;

/// <summary><c>mesh watch</c>: Consul's <c>consul watch</c>, a blocking-query loop over one view of the state.</summary>
internal static class WatchCommand
{
    private const string Help = """
        Usage: mesh watch [options] [child...]

          Watches for changes in a given data view from the mesh. If a child process
          is specified, it will be invoked with the latest results on changes. Otherwise,
          the latest values are dumped to stdout and the watch terminates.

          Providing the watch type is required, and other parameters may be required
          or supported depending on the watch type.
        """;

    public static CliCommand Create(CliContext context)
    {
        var type = GoFlag.String("type", "Specifies the watch type. One of key, keyprefix, services, nodes, service, checks, or event.");
        var key = GoFlag.String("key", "Specifies the key to watch. Only for 'key' type.");
        var prefix = GoFlag.String("prefix", "Specifies the key prefix to watch. Only for 'keyprefix' type.");
        var service = GoFlag.String("service", "Specifies the service to watch. Required for 'service' type, optional for 'checks' type.");
        var tag = GoFlag.List("tag", "Specifies the service tag(s) to filter on. Optional for 'service' type. May be specified multiple times.");
        var passingOnly = GoFlag.String("passingonly",
            "Specifies if only hosts passing all checks are displayed. Optional for 'service' type, must be one of `[true|false]`. Defaults false.");
        var shell = GoFlag.OptionalBool("shell", "Use a shell to run the command (can set a custom shell via the SHELL environment variable).");
        var state = GoFlag.String("state", "Specifies the states to watch. Optional for 'checks' type.");
        var name = GoFlag.String("name", "Specifies an event name to watch. Only for 'event' type.");

        var command = new CliCommand("watch", "Watch for changes in the mesh", Help) { type, key, prefix, service, tag, passingOnly, shell, state, name };
        var http = HttpFlags.AddTo(command, serverFlags: true);
        command.SetApiAction(http, context, Positionals.Any, async (result, args, api) =>
        {
            if (string.IsNullOrEmpty(result.GetValue(type)))
            {
                context.Fail("Watch type must be specified");
                context.Fail("");
                return context.Fail(CliHelp.Render(command));
            }
            bool? passing = null;
            if (result.GetValue(passingOnly) is { Length: > 0 } text)
            {
                passing = GoFlag.ParseBool(text);
                if (passing is null)
                {
                    return context.Fail($"Failed to parse passingonly flag: strconv.ParseBool: parsing \"{text}\": invalid syntax");
                }
            }
            var parameters = new WatchParameters(
                result.GetValue(type)!, result.GetValue(key), result.GetValue(prefix), result.GetValue(service),
                result.GetValue(tag) ?? [], passing, result.GetValue(state), result.GetValue(name), http.IsStale(result));
            var (source, error) = parameters.Resolve();
            if (source is null)
            {
                return context.Fail(error!);
            }

            return await api.CallAsync("Error querying Consul agent", async (client, cancellationToken) =>
            {
                // As consul watch does: fail at once when the agent does not answer, before looping.
                await client.AgentNodeNameAsync(cancellationToken);
                var exitCode = new StrongBox<int>(0);
                var handler = args.Length == 0
                    ? WatchHandler.Print(context)
                    : WatchHandler.Run(context, args, result.GetValue(shell) ?? true, exitCode, cancellationToken);
                await new WatchPlan(source, client, context, TimeProvider.System).RunAsync(handler, cancellationToken);
                return exitCode.Value;
            });
        });
        return command;
    }
}
