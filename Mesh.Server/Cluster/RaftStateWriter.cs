using System.Diagnostics;
using Mesh.Server.Consensus.Hosting;
using Mesh.Server.Rpc;
using Mesh.Server.State;

namespace Mesh.Server.Cluster;

/// <summary>
/// A server's writes: proposed to Raft on the leader, forwarded to the leader over agent RPC from a follower.
/// Answered only once the command is committed on a quorum and applied. While there is no leader (an election,
/// a minority partition) it waits up to Consul's RPC hold timeout, then fails with "No cluster leader".
/// </summary>
public sealed class RaftStateWriter(ServerConsensus consensus, ServerConnections connections, TimeProvider time) : IStateWriter
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(25);
    private static readonly ActivitySource Activities = new("mesh.raft");

    public async Task<ApplyResult> ApplyAsync(StateCommand command, CancellationToken cancellationToken = default)
    {
        var started = time.GetTimestamp();
        var encoded = StoreStateMachine.Encode(command);
        while (true)
        {
            var host = consensus.Host;
            try
            {
                if (host?.Role == Consensus.RaftRole.Leader)
                {
                    var result = await host.ProposeAsync(encoded, cancellationToken).ConfigureAwait(false);
                    return (ApplyResult)result.Response!;
                }
                if (consensus.LeaderAddress is { } leader)
                {
                    return await ForwardAsync(command, leader, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (NotLeaderException)
            {
                // Leadership moved between the check and the proposal.
            }
            catch (RaftRequestRejectedException)
            {
                // A new leader not ready yet, a transfer under way, or the entry lost to a leader change
                // (it is in no log, so proposing it again cannot apply it twice).
            }
            catch (NoServerException)
            {
                // The leader went away while we forwarded; a new one will be elected.
            }
            if (time.GetElapsedTime(started) >= consensus.HoldTimeout)
            {
                throw NoLeader();
            }
            await Task.Delay(RetryDelay, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>No leader within the hold timeout: Consul answers 500 "No cluster leader".</summary>
    internal static NoServerException NoLeader() => new("No cluster leader");

    private async Task<ApplyResult> ForwardAsync(StateCommand command, string leader, CancellationToken cancellationToken)
    {
        using var activity = Activities.StartActivity("mesh.raft.forward", ActivityKind.Client);
        activity?.SetTag("mesh.raft.leader", leader);
        activity?.SetTag("mesh.state.command", command.GetType().Name);
        return await new RemoteState(connections, () => leader).ApplyAsync(command, cancellationToken).ConfigureAwait(false);
    }
}
