using System.Diagnostics;
using Mesh.Server.Rpc;
using Mesh.Server.State;

namespace Mesh.Server.Cluster;

/// <summary>
/// A server's writes: proposed to Raft on the leader, forwarded to the leader over agent RPC from a follower.
/// Answered only once the command is committed on a quorum and applied.
/// </summary>
public sealed class RaftStateWriter(ServerConsensus consensus, ServerConnections connections) : IStateWriter
{
    private static readonly ActivitySource Activities = new("mesh.raft");

    public Task<ApplyResult> ApplyAsync(StateCommand command, CancellationToken cancellationToken = default)
    {
        var encoded = StoreStateMachine.Encode(command);
        return consensus.OnLeaderAsync(
            async (host, token) => (ApplyResult)(await host.ProposeAsync(encoded, token).ConfigureAwait(false)).Response!,
            (leader, token) => ForwardAsync(command, leader, token),
            RetryAfter.ProvenUnapplied,
            cancellationToken);
    }

    private async Task<ApplyResult> ForwardAsync(StateCommand command, string leader, CancellationToken cancellationToken)
    {
        using var activity = Activities.StartActivity("mesh.raft.forward", ActivityKind.Client);
        activity?.SetTag("mesh.raft.leader", leader);
        activity?.SetTag("mesh.state.command", command.GetType().Name);
        return await new RemoteState(connections, () => leader).ApplyAsync(command, cancellationToken).ConfigureAwait(false);
    }
}
