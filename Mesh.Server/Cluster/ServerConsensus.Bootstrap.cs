using Grpc.Core;
using Mesh.Server.Consensus;
using Mesh.Server.Consensus.Hosting;
using Mesh.Server.Rpc;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Cluster;

/// <summary>
/// How a server starts, as Consul's do: with Raft state on disk it recovers it; with <c>bootstrap</c> (or
/// <c>bootstrap_expect = 1</c>) it founds a datacenter alone; with <c>bootstrap_expect = N</c> it waits until gossip
/// shows N servers and, unless one of them already belongs to a datacenter, founds it with them; otherwise it waits
/// for a leader to add it.
/// </summary>
public sealed partial class ServerConsensus
{
    private static readonly TimeSpan BootstrapPoll = TimeSpan.FromMilliseconds(200);

    private async Task StartRaftAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (RaftHost.HasState(DataDirectory))
            {
                Run(null);
                return;
            }
            if (_config.Bootstrap || _config.BootstrapExpect == 1)
            {
                Run(new ClusterConfiguration([new RaftMember(ServerId, Address, MemberRole.Voter)]));
                return;
            }
            if (_config.BootstrapExpect == 0)
            {
                _logger.LogInformation("No bootstrap_expect: waiting for a leader to add this server");
                Run(null);
                return;
            }
            Run(await WaitForExpectedServersAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped before Raft started.
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Raft failed to start: {Message}", ex.Message);
            _started.TrySetException(ex);
        }
    }

    /// <summary>Null: another server already leads a datacenter, so this one waits to be added rather than found a second.</summary>
    private async Task<ClusterConfiguration?> WaitForExpectedServersAsync(CancellationToken cancellationToken)
    {
        _logger.LogInformation("Waiting for {Expect} servers in gossip before bootstrapping", _config.BootstrapExpect);
        while (true)
        {
            var servers = ServerMembers();
            if (servers.Count >= _config.BootstrapExpect)
            {
                var others = servers.Where(s => s.Id != ServerId).ToList();
                if (await AnyHasConfigurationAsync(others, cancellationToken).ConfigureAwait(false))
                {
                    _logger.LogInformation("A server already belongs to a datacenter: waiting to be added instead of bootstrapping");
                    return null;
                }
                var configuration = new ClusterConfiguration(servers.Select(s => new RaftMember(s.Id, s.Address, MemberRole.Voter)));
                _logger.LogInformation("Found {Count} servers: bootstrapping {Configuration}", servers.Count, configuration);
                return configuration;
            }
            await Task.Delay(BootstrapPoll, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<bool> AnyHasConfigurationAsync(IReadOnlyList<ServerMember> servers, CancellationToken cancellationToken)
    {
        var answers = await Task.WhenAll(servers.Select(async server =>
        {
            try
            {
                var options = new CallOptions(deadline: _time.GetUtcNow().UtcDateTime + BootstrapPoll * 5, cancellationToken: cancellationToken);
                var status = await _connections.For(server.Address)
                    .AsyncUnaryCall(AgentRpcMethods.RaftStatus, null, options, new RaftStatusRequest()).ResponseAsync.ConfigureAwait(false);
                return status.HasConfiguration;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Not reachable yet: it has not started a datacenter we could join either.
                return false;
            }
        })).ConfigureAwait(false);
        return answers.Any(a => a);
    }
}
