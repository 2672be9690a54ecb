using System.Diagnostics.Metrics;
using Mesh.Server.Agent.Membership;
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

        builder.Services.AddSingleton(TimeProvider.System);
        AddMembership(builder.Services, config);
        if (config.Server)
        {
            builder.Services.AddSingleton<StateStore>();
            // Resolving the writer recovers the state from disk; the container disposes it (closing the log) at shutdown.
            builder.Services.AddSingleton(sp => OpenWriter(config, sp));
            builder.Services.AddSingleton<IStateReader, LocalStateReader>();
            builder.Services.AddSingleton<IClusterStatus>(new SingleServerStatus($"{config.AdvertiseAddr}:{config.Ports.Server}"));
        }
        else
        {
            // A client agent holds no state: every read and write goes to a server over agent RPC.
            builder.Services.AddSingleton<ServerConnections>();
            builder.Services.AddSingleton(sp => new RemoteState(sp.GetRequiredService<ServerConnections>(), sp.GetRequiredService<IAgentMembership>().PickServer));
            builder.Services.AddSingleton<IStateWriter>(sp => sp.GetRequiredService<RemoteState>());
            builder.Services.AddSingleton<IStateReader>(sp => sp.GetRequiredService<RemoteState>());
            builder.Services.AddSingleton<IClusterStatus>(sp => new ClientClusterStatus(sp.GetRequiredService<IAgentMembership>(), config.Datacenter));
        }
        builder.Services.AddSingleton(sp => new LocalAgent(
            LocalAgentOptions.From(config),
            sp.GetRequiredService<IStateWriter>(),
            sp.GetRequiredService<IStateReader>(),
            sp.GetRequiredService<IAgentMembership>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<IHostApplicationLifetime>().StopApplication));
        builder.Services.AddSingleton<ILocalAgent>(sp => sp.GetRequiredService<LocalAgent>());
        builder.Services.AddHostedService<AntiEntropy>();

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

    // Gossip on serf_lan unless it is disabled (-1); the leader (for now: any server) reconciles it into the catalog.
    private static void AddMembership(IServiceCollection services, AgentConfig config)
    {
        if (config.Ports.SerfLan < 0)
        {
            services.AddSingleton<IAgentMembership>(new SoloMembership(config));
            return;
        }
        services.AddSingleton(sp => new GossipMembership(
            config, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>(), sp.GetService<IMeterFactory>()));
        services.AddSingleton<IAgentMembership>(sp => sp.GetRequiredService<GossipMembership>());
        services.AddHostedService(sp => sp.GetRequiredService<GossipMembership>());
        if (config.Server)
        {
            services.AddHostedService<MembershipReconciler>();
        }
    }

    /// <summary>
    /// Registers the services and checks of the config files and, where the catalog is reachable, syncs it before
    /// the API opens (a server's own catalog always is; a client's servers may come later, through anti-entropy).
    /// </summary>
    public static async Task RegisterLocalDefinitionsAsync(WebApplication app, AgentConfig config, CancellationToken cancellationToken)
    {
        var agent = app.Services.GetRequiredService<LocalAgent>();
        foreach (var service in config.Services)
        {
            await agent.RegisterServiceAsync(service, fromConfigFile: true, cancellationToken).ConfigureAwait(false);
        }
        foreach (var check in config.Checks)
        {
            await agent.RegisterCheckAsync(check, fromConfigFile: true, cancellationToken).ConfigureAwait(false);
        }
        if (config.Server)
        {
            await agent.SyncAllAsync(cancellationToken).ConfigureAwait(false);
        }
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
