using System.Net;
using System.Net.Sockets;
using Mesh.Server.Config;
using Microsoft.AspNetCore.Connections;

namespace Mesh.Server.Agent;

/// <summary>`mesh agent`: loads the configuration, starts the agent and runs it until it is stopped or leaves.</summary>
public static class AgentRunner
{
    public static async Task<int> RunAsync(AgentFlags flags, CancellationToken cancellationToken)
    {
        AgentConfig config;
        try
        {
            config = AgentConfigLoader.Load(flags);
        }
        catch (ConfigException ex)
        {
            await Console.Error.WriteLineAsync($"==> {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        foreach (var warning in config.Warnings)
        {
            await Console.Error.WriteLineAsync($"==> WARNING: {warning}").ConfigureAwait(false);
        }
        await using var app = AgentHost.Build(config);
        try
        {
            await AgentHost.RegisterLocalDefinitionsAsync(app, config, cancellationToken).ConfigureAwait(false);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            await Console.Error.WriteLineAsync($"==> Error recovering state: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (Exception ex) when (ex is AgentException or Gossip.GossipException)
        {
            await Console.Error.WriteLineAsync($"==> Error starting agent: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (Exception ex) when (ex is IOException { InnerException: AddressInUseException } or AddressInUseException or SocketException)
        {
            await Console.Error.WriteLineAsync($"==> Error starting agent: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        await Console.Out.WriteAsync(AgentBanner.For(config)).ConfigureAwait(false);
        await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Consul's client_addr may hold several space-separated addresses.</summary>
    internal static IEnumerable<IPAddress> ListenAddresses(string addresses) =>
        addresses.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(a => a == "localhost" ? IPAddress.Loopback : IPAddress.Parse(a));
}
