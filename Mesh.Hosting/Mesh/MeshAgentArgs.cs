using System.Globalization;
using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Mesh;

/// <summary>The `mesh agent` command line, with Consul's flags, for servers and client agents alike.</summary>
internal static class MeshAgentArgs
{
    // Elections in hundreds of milliseconds rather than seconds: loopback, and a dashboard user waiting.
    private const string Performance = "performance { raft_multiplier = 1 }";

    public static void Add(CommandLineArgsCallbackContext context, string node, MeshAgentPorts ports, string dataDirectory, IEnumerable<string> join)
    {
        Directory.CreateDirectory(dataDirectory);
        context.Args.Add("agent");
        Flag(context, "node", node);
        Flag(context, "data-dir", dataDirectory);
        Flag(context, "bind", "127.0.0.1");
        Flag(context, "http-port", Text(ports.Http));
        Flag(context, "serf-lan-port", Text(ports.SerfLan));
        Flag(context, "server-port", Text(ports.Server));
        Flag(context, "grpc-port", Text(ports.Grpc));
        // No DNS interface: nothing here asks it, and its default port would collide between agents.
        Flag(context, "dns-port", "-1");
        Flag(context, "hcl", "connect { enabled = true }");
        Flag(context, "hcl", Performance);
        foreach (var address in join)
        {
            Flag(context, "retry-join", address);
        }
    }

    public static void Flag(CommandLineArgsCallbackContext context, string name, string value)
    {
        context.Args.Add("-" + name);
        context.Args.Add(value);
    }

    public static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
