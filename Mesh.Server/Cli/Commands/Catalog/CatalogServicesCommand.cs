using System.Text;
using Mesh.Server.Cli.Api;
using Mesh.Server.Cli.Flags;
using Mesh.Server.Cli.Output;

namespace Mesh.Server.Cli.Commands.Catalog;

/// <summary><c>mesh catalog services</c>: one service name a line, optionally with its tags.</summary>
internal static class CatalogServicesCommand
{
    private const string Help = """
        Usage: mesh catalog services [options]

          Retrieves the list services registered in a given datacenter. By default, the
          datacenter of the local agent is queried.

          To retrieve the list of services:

              $ mesh catalog services

          To include the services' tags in the output:

              $ mesh catalog services -tags

          To list services which run on a particular node:

              $ mesh catalog services -node=web

          To filter services on node metadata:

              $ mesh catalog services -node-meta="foo=bar"
        """;

    public static CliCommand Create(CliContext context)
    {
        var node = GoFlag.String("node", "Node id or name for which to list services.", "id or name");
        var nodeMeta = GoFlag.Map("node-meta",
            "Metadata to filter nodes with the given key=value pairs. If specified, only services running on nodes " +
            "matching the given metadata will be returned. This flag may be specified multiple times to filter on " +
            "multiple sources of metadata.", "key=value");
        var tags = GoFlag.Bool("tags", "Display each service's tags as a comma-separated list beside each service entry.");

        var command = new CliCommand("services", "Lists all registered services in a datacenter", Help) { node, nodeMeta, tags };
        var http = HttpFlags.AddTo(command, serverFlags: true);
        command.SetApiAction(http, context, Positionals.AtMost(0), (result, _, api) =>
        {
            var query = new CatalogQuery { Stale = http.IsStale(result), NodeMeta = result.GetValue(nodeMeta) ?? new Dictionary<string, string>() };
            var nodeName = result.GetValue(node);
            return api.CallAsync(string.IsNullOrEmpty(nodeName) ? "Error listing services" : "Error listing services for node", async (client, cancellationToken) =>
            {
                var services = string.IsNullOrEmpty(nodeName)
                    ? await client.CatalogServicesAsync(query, cancellationToken)
                    : ByName(await client.CatalogNodeAsync(nodeName, query, cancellationToken));
                if (services.Count == 0)
                {
                    context.Error.Write("No services match the given query - try expanding your search.\n");
                    return 0;
                }
                var names = services.Keys.Order(StringComparer.Ordinal).ToList();
                if (!result.GetValue(tags))
                {
                    names.ForEach(context.Info);
                    return 0;
                }
                var table = new StringBuilder();
                foreach (var name in names)
                {
                    table.Append(name).Append('\t').AppendJoin(',', services[name].Order(StringComparer.Ordinal)).Append('\n');
                }
                return context.Succeed(TabWriter.Format(table.ToString(), padding: 6).Trim());
            });
        });
        return command;
    }

    /// <summary>A node's services grouped by name, each with the tags of all its instances.</summary>
    private static Dictionary<string, List<string>> ByName(CatalogNodeServices? node)
    {
        var services = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var service in node?.Services?.Values ?? Enumerable.Empty<AgentService>())
        {
            if (!services.TryGetValue(service.Service, out var tags))
            {
                services[service.Service] = tags = [];
            }
            tags.AddRange(service.Tags ?? []);
        }
        return services;
    }
}
