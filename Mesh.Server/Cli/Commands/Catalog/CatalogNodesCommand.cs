using Mesh.Server.Cli.Api;
using Mesh.Server.Cli.Flags;
using Mesh.Server.Cli.Output;

namespace Mesh.Server.Cli.Commands.Catalog;

/// <summary><c>mesh catalog nodes</c>: Consul's <c>Node  ID  Address  DC</c> table.</summary>
internal static class CatalogNodesCommand
{
    private const string Help = """
        Usage: mesh catalog nodes [options]

          Retrieves the list nodes registered in a given datacenter. By default, the
          datacenter of the local agent is queried.

          To retrieve the list of nodes:

              $ mesh catalog nodes

          To print detailed information including full node IDs, tagged addresses, and
          metadata information:

              $ mesh catalog nodes -detailed

          To list nodes which are running a particular service:

              $ mesh catalog nodes -service=web

          To filter by node metadata:

              $ mesh catalog nodes -node-meta="foo=bar"

          To sort nodes by estimated round-trip time from node-web:

              $ mesh catalog nodes -near=node-web
        """;

    public static CliCommand Create(CliContext context)
    {
        var filter = GoFlag.String("filter", "Filter to use with the request.");
        var detailed = GoFlag.Bool("detailed", "Output detailed information about the nodes including their addresses and metadata.");
        var near = GoFlag.String("near",
            "Node name to sort the node list in ascending order based on estimated round-trip time from that node. " +
            "Passing \"_agent\" will use this agent's node for sorting.");
        var nodeMeta = GoFlag.Map("node-meta",
            "Metadata to filter nodes with the given key=value pairs. This flag may be specified multiple times to " +
            "filter on multiple sources of metadata.", "key=value");
        var service = GoFlag.String("service",
            "Service id or name to filter nodes. Only nodes which are providing the given service will be returned.", "id or name");

        var command = new CliCommand("nodes", "Lists all nodes in the given datacenter", Help) { filter, detailed, near, nodeMeta, service };
        var http = HttpFlags.AddTo(command, serverFlags: true);
        command.SetApiAction(http, context, Positionals.AtMost(0), (result, _, api) =>
        {
            var query = new CatalogQuery
            {
                Stale = http.IsStale(result),
                Near = result.GetValue(near),
                Filter = result.GetValue(filter),
                NodeMeta = result.GetValue(nodeMeta) ?? new Dictionary<string, string>(),
            };
            var serviceName = result.GetValue(service);
            return api.CallAsync(string.IsNullOrEmpty(serviceName) ? "Error listing nodes" : "Error listing nodes for service", async (client, cancellationToken) =>
            {
                var nodes = string.IsNullOrEmpty(serviceName)
                    ? await client.CatalogNodesAsync(query, cancellationToken)
                    : (await client.CatalogServiceAsync(serviceName, query, cancellationToken)).Select(AsNode).ToList();
                if (nodes.Count == 0)
                {
                    context.Error.Write("No nodes match the given query - try expanding your search.\n");
                    return 0;
                }
                var isDetailed = result.GetValue(detailed);
                var sep = Columnize.UnitSeparator;
                var lines = new List<string> { isDetailed ? $"Node{sep}ID{sep}Address{sep}DC{sep}TaggedAddresses{sep}Meta" : $"Node{sep}ID{sep}Address{sep}DC" };
                lines.AddRange(nodes.Select(node => isDetailed
                    ? $"{node.Node}{sep}{node.ID}{sep}{node.Address}{sep}{node.Datacenter}{sep}{JoinPairs(node.TaggedAddresses)}{sep}{JoinPairs(node.Meta)}"
                    : $"{node.Node}{sep}{ShortId(node.ID)}{sep}{node.Address}{sep}{node.Datacenter}"));
                return context.Succeed(Columnize.Format(lines));
            });
        });
        return command;
    }

    private static CatalogNode AsNode(CatalogServiceInstance instance) => new()
    {
        ID = instance.ID,
        Node = instance.Node,
        Address = instance.Address,
        Datacenter = instance.Datacenter,
        TaggedAddresses = instance.TaggedAddresses,
        Meta = instance.NodeMeta,
    };

    /// <summary>The node ID up to its first dash, as the short table shows it.</summary>
    private static string ShortId(string? id)
    {
        var dash = id?.IndexOf('-', StringComparison.Ordinal) ?? -1;
        return dash > 0 ? id![..dash] : id ?? "";
    }

    /// <summary><c>k1=v1, k2=v2</c> sorted by key.</summary>
    private static string JoinPairs(Dictionary<string, string>? pairs) =>
        pairs is null ? "" : string.Join(", ", pairs.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
}
