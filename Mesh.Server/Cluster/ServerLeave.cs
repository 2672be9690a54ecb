using Mesh.Server.Agent;
using Mesh.Server.Agent.Membership;
using Mesh.Server.Consensus;
using Mesh.Server.Consensus.Hosting;
using Mesh.Server.Gossip;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Cluster;

/// <summary>
/// A Raft server's graceful leave, as Consul's Server.Leave: a leader with other voters first hands leadership over
/// (or, failing that, removes itself), so the datacenter keeps a leader; then it leaves gossip, and the leader
/// removes it from the Raft configuration on the "left" event, which it waits to see (for a few seconds) before the
/// agent shuts down, lest it take its vote away before the quorum shrank. Everything else is the pool's own.
/// </summary>
public sealed class ServerLeave(IAgentMembership pool, ServerConsensus consensus, TimeProvider time, ILogger<ServerLeave> logger) : IAgentMembership
{
    // Consul's raftRemoveGracePeriod.
    private static readonly TimeSpan RemovalWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RemovalPoll = TimeSpan.FromMilliseconds(50);

    public IReadOnlyList<GossipMember> Members() => pool.Members();

    public string? PickServer() => pool.PickServer();

    public Task<int> JoinAsync(IReadOnlyList<string> addresses, CancellationToken cancellationToken = default) => pool.JoinAsync(addresses, cancellationToken);

    public Task ForceLeaveAsync(string node, CancellationToken cancellationToken = default) => pool.ForceLeaveAsync(node, cancellationToken);

    public Task<KeyringResponse> KeyringAsync(KeyringOperation operation, string? key, int relayFactor, CancellationToken cancellationToken = default) =>
        pool.KeyringAsync(operation, key, relayFactor, cancellationToken);

    public async Task LeaveAsync(CancellationToken cancellationToken = default)
    {
        var host = consensus.Host;
        if (host is { Role: RaftRole.Leader } && HasOtherVoters(host))
        {
            await StepDownAsync(host, cancellationToken).ConfigureAwait(false);
        }
        await pool.LeaveAsync(cancellationToken).ConfigureAwait(false);
        if (host is not null && host.Role != RaftRole.Leader && HasOtherVoters(host))
        {
            await WaitForRemovalAsync(host, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task StepDownAsync(RaftHost host, CancellationToken cancellationToken)
    {
        try
        {
            await host.TransferLeadershipAsync(null, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Leaving: handed Raft leadership over");
        }
        catch (RaftRequestRejectedException ex)
        {
            logger.LogWarning("Leaving: could not hand leadership over ({Reason}); removing this server from the Raft configuration", ex.Message);
            try
            {
                await host.ChangeMembershipAsync(new MembershipChange(MembershipChangeKind.RemoveServer, host.Id), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception removal) when (removal is RaftRequestRejectedException or NotLeaderException)
            {
                logger.LogError("Leaving: failed to remove this server as a Raft peer: {Reason}", removal.Message);
            }
        }
    }

    private async Task WaitForRemovalAsync(RaftHost host, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (host.Configuration.Contains(host.Id))
        {
            if (time.GetElapsedTime(started) >= RemovalWait)
            {
                logger.LogWarning("Leaving: still in the Raft configuration after {Wait}; leaving it to the leader", RemovalWait);
                return;
            }
            await Task.Delay(RemovalPoll, time, cancellationToken).ConfigureAwait(false);
        }
        logger.LogInformation("Leaving: removed from the Raft configuration");
    }

    private static bool HasOtherVoters(RaftHost host) => host.Configuration.Voters.Any(v => v != host.Id);
}
