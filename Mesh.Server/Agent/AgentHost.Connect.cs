using Mesh.Server.Cluster;
using Mesh.Server.Config;
using Mesh.Server.Connect;
using Mesh.Server.Connect.Proxy;
using Mesh.Server.Rpc;
using Mesh.Server.State;
using Mesh.Server.State.Queries;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Agent;

public static partial class AgentHost
{
    /// <summary>
    /// Connect: on a server with Connect enabled, the built-in CA (the leader creates the first root; any server signs
    /// leaves from its own replica and takes configuration updates); on a client agent, leaves signed by a server.
    /// Either serves its sidecars' configuration on the gRPC port.
    /// </summary>
    private static void AddConnect(IServiceCollection services, AgentConfig config)
    {
        if (config.Server && !config.ConnectEnabled)
        {
            return;
        }
        if (config.Server)
        {
            services.AddSingleton(sp => new CaManager(sp.GetRequiredService<IStateWriter>(), sp.GetRequiredService<IStateReader>(), sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton(sp => new LocalLeafSigner(sp.GetRequiredService<IStateReader>(), config.Datacenter, sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton<ILeafSigner>(sp => sp.GetRequiredService<LocalLeafSigner>());
            services.AddHostedService(sp => new ConnectCaLeader(
                sp.GetRequiredService<ILeadership>(),
                new CaManager(
                    LeaderWriter(sp),
                    sp.GetRequiredService<IStateReader>(),
                    sp.GetRequiredService<TimeProvider>()),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<ConnectCaLeader>>()));
        }
        else
        {
            services.AddSingleton<ILeafSigner>(sp => new RemoteLeafSigner(
                sp.GetRequiredService<ServerConnections>(), sp.GetRequiredService<Membership.IAgentMembership>().PickServer));
        }
        services.AddSingleton(sp => new LeafCertificates(
            sp.GetRequiredService<IStateReader>(), sp.GetRequiredService<ILeafSigner>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(new ProxyWatchOptions(config.Datacenter, config.IntentionDefaultAllow));
    }

    private static void MapConnect(WebApplication app, AgentConfig config)
    {
        if (config.Ports.Grpc > 0 && app.Services.GetService<LeafCertificates>() is not null)
        {
            app.MapGrpcService<ProxyConfigService>().RequireHost($"*:{config.Ports.Grpc}");
        }
    }
}
