using Mesh.Server.Config;
using Mesh.Server.Http;
using Mesh.Server.Rpc;
using Mesh.Server.State;
using Mesh.Server.State.Durability;
using Mesh.Server.State.Queries;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Agent;

/// <summary>Composes one agent process: state, local agent, checks and the HTTP API on its configured address.</summary>
public static class AgentHost
{
    public static WebApplication Build(AgentConfig config)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.AddServiceDefaults();
        var level = ParseLogLevel(config.LogLevel);
        builder.Logging.SetMinimumLevel(level);
        // Consul's DEBUG means the agent's own debug lines, not every Kestrel connection event.
        builder.Logging.AddFilter("Microsoft", level == LogLevel.Trace ? LogLevel.Trace : LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        // Blocking queries arrive in bursts of thousands of connections; Kestrel's default backlog (512) drops them.
        builder.WebHost.UseSockets(sockets => sockets.Backlog = 4096);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var address in AgentRunner.ListenAddresses(config.HttpAddress))
            {
                kestrel.Listen(address, config.Ports.Http);
            }
            if (config.Server && config.Ports.Server >= 0)
            {
                // The server port carries agent RPC (and Raft) as gRPC over cleartext HTTP/2, as Consul's 8300 does.
                kestrel.Listen(AgentRunner.ListenAddresses(config.BindAddr).First(), config.Ports.Server, listen => listen.Protocols = HttpProtocols.Http2);
            }
        });
        builder.Services.AddGrpc();

        var serverAddress = $"{config.AdvertiseAddr}:{config.Ports.Server}";
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<StateStore>();
        // Resolving the writer recovers the state from disk; the container disposes it (closing the log) at shutdown.
        builder.Services.AddSingleton(sp => OpenWriter(config, sp));
        builder.Services.AddSingleton<IStateReader, LocalStateReader>();
        builder.Services.AddSingleton<IClusterStatus>(new SingleServerStatus(serverAddress));
        builder.Services.AddSingleton(sp => new LocalAgent(
            LocalAgentOptions.From(config),
            sp.GetRequiredService<IStateWriter>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<IHostApplicationLifetime>().StopApplication));
        builder.Services.AddSingleton<ILocalAgent>(sp => sp.GetRequiredService<LocalAgent>());

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapConsulApi();
        app.MapGrpcService<AgentRpcService>();
        return app;
    }

    // Dev mode keeps everything in memory, as Consul's -dev does; a server keeps every write on disk before it answers.
    private static IStateWriter OpenWriter(AgentConfig config, IServiceProvider services)
    {
        var store = services.GetRequiredService<StateStore>();
        return config.Dev || config.DataDir is null
            ? new LocalStateWriter(store)
            : DurableStateWriter.Open(Path.Combine(config.DataDir, "state"), store, services.GetRequiredService<ILogger<DurableStateWriter>>());
    }

    /// <summary>Registers the node and the services and checks of the config files, as the agent starts.</summary>
    public static async Task RegisterLocalDefinitionsAsync(WebApplication app, AgentConfig config, CancellationToken cancellationToken)
    {
        var agent = app.Services.GetRequiredService<LocalAgent>();
        await agent.RegisterNodeAsync(cancellationToken).ConfigureAwait(false);
        foreach (var service in config.Services)
        {
            await agent.RegisterServiceAsync(service, fromConfigFile: true, cancellationToken).ConfigureAwait(false);
        }
        foreach (var check in config.Checks)
        {
            await agent.RegisterCheckAsync(check, fromConfigFile: true, cancellationToken).ConfigureAwait(false);
        }
        var catalog = app.Services.GetRequiredService<StateStore>()
            .Read(r => (r.NodeServices(agent.NodeName), r.NodeChecks(agent.NodeName))).Value;
        await agent.RemoveUnknownAsync(catalog.Item1, catalog.Item2, cancellationToken).ConfigureAwait(false);
    }

    private static LogLevel ParseLogLevel(string level) => level.ToUpperInvariant() switch
    {
        "TRACE" => LogLevel.Trace,
        "DEBUG" => LogLevel.Debug,
        "WARN" or "WARNING" => LogLevel.Warning,
        "ERR" or "ERROR" => LogLevel.Error,
        _ => LogLevel.Information,
    };
}
