using System.Diagnostics.Metrics;
using System.Net;
using Mesh.Server.Agent.Events;
using Mesh.Server.Agent.Membership;
using Mesh.Server.Cluster;
using Mesh.Server.Config;
using Mesh.Server.Connect;
using Mesh.Server.Consensus.Transport;
using Mesh.Server.Dns;
using Mesh.Server.Http;
using Mesh.Server.Rpc;
using Mesh.Server.State;
using Mesh.Server.State.Queries;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Agent;

/// <summary>Composes one agent process: state, local agent, checks, Connect, and the HTTP API and DNS interface on their configured addresses.</summary>
public static partial class AgentHost
{
    public static WebApplication Build(AgentConfig config)
    {
        // The content root is the binary's directory: left at the working directory (often holding -data-dir), the
        // configuration reload watcher would wake on every Raft log write.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.AddServiceDefaults();
        var level = ParseLogLevel(config.LogLevel);
        builder.Logging.SetMinimumLevel(level);
        // Consul's DEBUG means the agent's own debug lines, not every Kestrel connection event.
        builder.Logging.AddFilter("Microsoft", level == LogLevel.Trace ? LogLevel.Trace : LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        // gRPC reports every stream a dead peer left half-read at Information, with a stack trace.
        builder.Logging.AddFilter("Grpc", level == LogLevel.Trace ? LogLevel.Trace : LogLevel.Warning);
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
            if (config.Ports.Grpc > 0)
            {
                // The gRPC port carries the sidecars' configuration streams, as Consul's 8502 carries xDS.
                foreach (var address in AgentRunner.ListenAddresses(config.GrpcAddress))
                {
                    kestrel.Listen(address, config.Ports.Grpc, listen => listen.Protocols = HttpProtocols.Http2);
                }
            }
        });
        // Raft batches and snapshot chunks run to a few MiB; gRPC's default 4 MB limit would refuse them forever.
        builder.Services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = 64 << 20);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(config);
        AddMembership(builder.Services, config);
        if (config.Server)
        {
            builder.Services.AddSingleton<StateStore>();
            AddServerState(builder.Services, config);
            builder.Services.AddHostedService(sp => new SessionTimers(
                sp.GetRequiredService<ILeadership>(),
                LeaderWriter(sp),
                sp.GetRequiredService<IStateReader>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<SessionTimers>>()));
        }
        else
        {
            // A client agent holds no state: every read and write goes to a server over agent RPC.
            builder.Services.AddSingleton<ServerConnections>();
            builder.Services.AddSingleton(sp => new RemoteState(sp.GetRequiredService<ServerConnections>(), sp.GetRequiredService<IAgentMembership>().PickServer));
            builder.Services.AddSingleton<IStateWriter>(sp => sp.GetRequiredService<RemoteState>());
            builder.Services.AddSingleton<IStateReader>(sp => sp.GetRequiredService<RemoteState>());
            // What only a server knows (the leader, Raft operations, snapshots) is asked of one.
            builder.Services.AddSingleton(sp => new RemoteCluster(sp.GetRequiredService<ServerConnections>(), sp.GetRequiredService<IAgentMembership>().PickServer));
            builder.Services.AddSingleton<IRaftOperator>(sp => sp.GetRequiredService<RemoteCluster>());
            builder.Services.AddSingleton<IClusterStatus>(sp => new ClientClusterStatus(
                sp.GetRequiredService<IAgentMembership>(), config.Datacenter, sp.GetRequiredService<RemoteCluster>()));
        }
        builder.Services.AddSingleton(sp => new LocalAgent(
            LocalAgentOptions.From(config),
            sp.GetRequiredService<IStateWriter>(),
            sp.GetRequiredService<IStateReader>(),
            LeavingMembership(sp),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<IHostApplicationLifetime>().StopApplication));
        builder.Services.AddSingleton<ILocalAgent>(sp => sp.GetRequiredService<LocalAgent>());
        builder.Services.AddSingleton<UserEventLog>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<UserEventLog>());
        builder.Services.AddHostedService<AntiEntropy>();
        AddConnect(builder.Services, config);
        if (config.Ports.Dns >= 0)
        {
            AddDns(builder.Services, config);
        }

        var app = builder.Build();
        app.UseShutdownEndsRequests();
        app.MapDefaultEndpoints();
        app.MapConsulApi();
        app.MapGrpcService<AgentRpcService>();
        if (app.Services.GetService<ServerConsensus>() is not null)
        {
            app.MapGrpcService<RaftTransportService>();
        }
        MapConnect(app, config);
        return app;
    }

    /// <summary>
    /// Dev mode is one in-memory server that leads itself, as Consul's -dev is; any other server replicates
    /// through Raft under its data directory, forwarding what only the leader may answer.
    /// </summary>
    private static void AddServerState(IServiceCollection services, AgentConfig config)
    {
        if (config.Dev || config.DataDir is null)
        {
            var single = new SingleServerStatus($"{config.AdvertiseAddr}:{config.Ports.Server}");
            services.AddSingleton<IStateWriter, LocalStateWriter>();
            services.AddSingleton<IStateReader, LocalStateReader>();
            services.AddSingleton<IClusterStatus>(single);
            services.AddSingleton<ILeadership>(single);
            services.AddSingleton<IRaftOperator, SingleServerOperator>();
            return;
        }
        services.AddSingleton<ServerConnections>();
        services.AddSingleton<RaftInbox>();
        services.AddSingleton<ServerConsensus>();
        services.AddHostedService(sp => sp.GetRequiredService<ServerConsensus>());
        services.AddSingleton<IClusterStatus>(sp => sp.GetRequiredService<ServerConsensus>());
        services.AddSingleton<ILeadership>(sp => sp.GetRequiredService<ServerConsensus>());
        services.AddSingleton<IStateWriter, RaftStateWriter>();
        services.AddSingleton<IStateReader, RaftStateReader>();
        services.AddSingleton<IRaftOperator, RaftOperator>();
    }

    /// <summary>The DNS interface on ports.dns (Consul's 8600), answering from the same state reader as the HTTP API.</summary>
    private static void AddDns(IServiceCollection services, AgentConfig config)
    {
        services.AddSingleton(sp => new DnsMetrics(sp.GetService<IMeterFactory>()));
        services.AddSingleton(sp => new DnsResolver(sp.GetRequiredService<IStateReader>(), config, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(new DnsForwarder([.. config.Recursors.Select(IPEndPoint.Parse)], config.Dns.RecursorTimeout));
        services.AddSingleton<DnsHandler>();
        services.AddHostedService<DnsServer>();
    }

    /// <summary>The writer of leader-only work: proposed by this server while it leads, or not at all (dev mode: the store).</summary>
    private static IStateWriter LeaderWriter(IServiceProvider services) =>
        services.GetService<ServerConsensus>() is { } consensus
            ? new LeaderOnlyWriter(consensus, services.GetRequiredService<TimeProvider>())
            : services.GetRequiredService<IStateWriter>();

    /// <summary>The pool as the local agent leaves it: a Raft server steps down and waits to be removed (<see cref="ServerLeave"/>).</summary>
    private static IAgentMembership LeavingMembership(IServiceProvider services)
    {
        var pool = services.GetRequiredService<IAgentMembership>();
        return services.GetService<ServerConsensus>() is { } consensus
            ? new ServerLeave(pool, consensus, services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<ServerLeave>>())
            : pool;
    }

    // Gossip on serf_lan unless it is disabled (-1); the leader reconciles it into the catalog and the Raft configuration.
    private static void AddMembership(IServiceCollection services, AgentConfig config)
    {
        if (config.Ports.SerfLan < 0)
        {
            var solo = new SoloMembership(config);
            services.AddSingleton<IAgentMembership>(solo);
            services.AddSingleton<IUserEventGossip>(solo);
            return;
        }
        services.AddSingleton(sp => new GossipMembership(
            config, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>(), sp.GetService<IMeterFactory>()));
        services.AddSingleton<IAgentMembership>(sp => sp.GetRequiredService<GossipMembership>());
        services.AddSingleton<IUserEventGossip>(sp => sp.GetRequiredService<GossipMembership>());
        services.AddHostedService(sp => sp.GetRequiredService<GossipMembership>());
        if (config.Server)
        {
            services.AddHostedService(sp => new LeaderDuties(
                sp.GetRequiredService<GossipMembership>(),
                sp.GetRequiredService<ILeadership>(),
                sp.GetService<ServerConsensus>(),
                config,
                LeaderWriter(sp),
                sp.GetRequiredService<IStateReader>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<LeaderDuties>>()));
        }
    }

    /// <summary>
    /// Registers the services and checks of the config files. Dev mode's in-memory catalog is synced before the API
    /// opens; elsewhere the catalog needs a leader (and a client its servers), so anti-entropy syncs it once the
    /// agent runs.
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
        if (app.Services.GetService<ServerConsensus>() is null && config.Server)
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
