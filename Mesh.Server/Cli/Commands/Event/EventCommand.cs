using System.Text;
using System.Text.RegularExpressions;
using Mesh.Server.Cli.Api;
using Mesh.Server.Cli.Flags;

namespace Mesh.Server.Cli.Commands.Event;

/// <summary><c>mesh event</c>: Consul's <c>consul event</c>, firing a user event to the whole datacenter.</summary>
internal static class EventCommand
{
    private const string Help = """
        Usage: mesh event [options] [payload]

          Dispatches a custom user event across a datacenter. An event must provide
          a name, but a payload is optional. Events support filtering using
          regular expressions on node name, service, and tag definitions.
        """;

    public static CliCommand Create(CliContext context)
    {
        var name = GoFlag.String("name", "Name of the event.");
        var node = GoFlag.String("node", "Regular expression to filter on node names.");
        var service = GoFlag.String("service", "Regular expression to filter on service instances.");
        var tag = GoFlag.String("tag", "Regular expression to filter on service tags. Must be used with -service.");

        var command = new CliCommand("event", "Fire a new event", Help) { name, node, service, tag };
        var http = HttpFlags.AddTo(command, serverFlags: true);
        var rule = Positionals.CountShowingHelp(0, 1, "Too many command line arguments.");
        command.SetApiAction(http, context, rule, async (result, args, api) =>
        {
            var eventName = result.GetValue(name) ?? "";
            if (eventName.Length == 0)
            {
                context.Fail("Event name must be specified");
                context.Fail("");
                return context.Fail(CliHelp.Render(command));
            }
            var nodeFilter = result.GetValue(node) ?? "";
            var serviceFilter = result.GetValue(service) ?? "";
            var tagFilter = result.GetValue(tag) ?? "";
            foreach (var (what, pattern) in new[] { ("node", nodeFilter), ("service", serviceFilter), ("tag", tagFilter) })
            {
                if (Compiles(pattern) is { } error)
                {
                    return context.Fail($"Failed to compile {what} filter regexp: {error}");
                }
            }
            if (tagFilter.Length > 0 && serviceFilter.Length == 0)
            {
                return context.Fail("Cannot provide tag filter without service filter.");
            }
            byte[]? payload = args.Length == 1 ? Encoding.UTF8.GetBytes(args[0]) : null;

            return await api.ConnectAsync(async client =>
            {
                var exitCode = await api.GuardAsync("Error querying Consul agent", async () =>
                {
                    await client.AgentNodeNameAsync(api.CancellationToken);
                    return 0;
                });
                if (exitCode != 0)
                {
                    return exitCode;
                }
                return await api.GuardAsync("Error firing event", async () =>
                {
                    var id = await client.EventFireAsync(eventName, payload, nodeFilter, serviceFilter, tagFilter, api.CancellationToken);
                    return context.Succeed($"Event ID: {id}");
                });
            });
        });
        return command;
    }

    /// <summary>Why <paramref name="pattern"/> is not a regular expression, or null when it is (or empty).</summary>
    private static string? Compiles(string pattern)
    {
        if (pattern.Length == 0)
        {
            return null;
        }
        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant);
            return null;
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }
    }
}
