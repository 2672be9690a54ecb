using Mesh.Server.Cli.Flags;
using Mesh.Server.Config;

namespace Mesh.Server.Cli.Commands;

/// <summary><c>mesh agent</c>: Consul's agent flags, handed to the agent as <see cref="AgentFlags"/>.</summary>
internal static class AgentCommand
{
    private const string Help = """
        Usage: mesh agent [options]

          Starts the mesh agent and runs until an interrupt is received. The
          agent represents a single node in a cluster.
        """;

    public static CliCommand Create(CliContext context)
    {
        var dev = GoFlag.Bool("dev", "Starts the agent in development mode.");
        var server = GoFlag.OptionalBool("server", "Switches agent to server mode.");
        var bootstrap = GoFlag.OptionalBool("bootstrap", "Sets server to bootstrap mode.");
        var bootstrapExpect = GoFlag.Int("bootstrap-expect", "Sets server to expect bootstrap mode.");
        var join = GoFlag.List("join", "Address of an agent to join at start time. Can be specified multiple times.", "string");
        var retryJoin = GoFlag.List("retry-join", "Address of an agent to join at start time with retries enabled. Can be specified multiple times.", "string");
        var node = GoFlag.String("node", "Name of this node. Must be unique in the cluster.");
        var datacenter = GoFlag.String("datacenter", "Datacenter of the agent.");
        var dataDir = GoFlag.String("data-dir", "Path to a data directory to store agent state.", "path");
        var configDir = GoFlag.List("config-dir",
            "Path to a directory to read configuration files from. This will read every file ending in \".json\" or " +
            "\".hcl\" as configuration in this directory in alphabetical order. Can be specified multiple times.", "path");
        var configFile = GoFlag.List("config-file",
            "Path to a file in JSON or HCL format with a matching file extension. Can be specified multiple times.", "path");
        var bind = GoFlag.String("bind", "Sets the bind address for cluster communication.");
        var client = GoFlag.String("client", "Sets the address to bind for client access. This includes RPC, DNS, HTTP, HTTPS and gRPC (if configured).");
        var httpPort = GoFlag.Int("http-port", "Sets the HTTP API port to listen on.");
        var dnsPort = GoFlag.Int("dns-port", "DNS port to use.");
        var serverPort = GoFlag.Int("server-port", "Sets the server port to listen on.");
        var serfLanPort = GoFlag.Int("serf-lan-port", "Sets the Serf LAN port to listen on.");
        var grpcPort = GoFlag.Int("grpc-port", "Sets the gRPC API port to listen on.");
        var enableScriptChecks = GoFlag.OptionalBool("enable-script-checks", "Enables health check scripts.");
        var enableLocalScriptChecks = GoFlag.OptionalBool("enable-local-script-checks", "Enables health check scripts from configuration file.");
        var logLevel = GoFlag.String("log-level", "Log level of the agent.");
        var encrypt = GoFlag.String("encrypt", "Provides the gossip encryption key.", "key");
        var hcl = GoFlag.List("hcl", "hcl config fragment. Can be specified multiple times.", "string");

        var command = new CliCommand("agent", "Runs a mesh agent", Help)
        {
            dev, server, bootstrap, bootstrapExpect, join, retryJoin, node, datacenter, dataDir, configDir, configFile, bind, client,
            httpPort, dnsPort, serverPort, serfLanPort, grpcPort, enableScriptChecks, enableLocalScriptChecks, logLevel, encrypt, hcl,
        };
        command.SetAction(context, Positionals.AtMost(0), (result, _, cancellationToken) =>
        {
            var flags = new AgentFlags
            {
                Dev = result.GetValue(dev),
                Server = result.GetValue(server),
                Bootstrap = result.GetValue(bootstrap),
                BootstrapExpect = result.GetValue(bootstrapExpect),
                Join = result.GetValue(join) ?? [],
                RetryJoin = result.GetValue(retryJoin) ?? [],
                NodeName = result.GetValue(node),
                Datacenter = result.GetValue(datacenter),
                DataDir = result.GetValue(dataDir),
                ConfigDirs = result.GetValue(configDir) ?? [],
                ConfigFiles = result.GetValue(configFile) ?? [],
                BindAddr = result.GetValue(bind),
                ClientAddr = result.GetValue(client),
                HttpPort = result.GetValue(httpPort),
                DnsPort = result.GetValue(dnsPort),
                ServerPort = result.GetValue(serverPort),
                SerfLanPort = result.GetValue(serfLanPort),
                GrpcPort = result.GetValue(grpcPort),
                EnableScriptChecks = result.GetValue(enableScriptChecks),
                EnableLocalScriptChecks = result.GetValue(enableLocalScriptChecks),
                LogLevel = result.GetValue(logLevel),
                Encrypt = result.GetValue(encrypt),
                Hcl = result.GetValue(hcl) ?? [],
            };
            return context.RunAgent(flags, cancellationToken);
        });
        return command;
    }
}
