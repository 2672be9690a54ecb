using Mesh.Server.Consensus;
using Mesh.Server.Consensus.Hosting;
using Mesh.Server.State;

namespace Mesh.Server.Cluster;

/// <summary>
/// The leader's own writes (its reconciliation): proposed here or not at all. Forwarded, a deposed leader's last
/// reconcile could be applied by its successor after the successor's own; Consul's leader fails with "not leader".
/// </summary>
public sealed class LeaderOnlyWriter(ServerConsensus consensus, TimeProvider time) : IStateWriter
{
    private static readonly TimeSpan NotReadyDelay = TimeSpan.FromMilliseconds(25);

    public async Task<ApplyResult> ApplyAsync(StateCommand command, CancellationToken cancellationToken = default)
    {
        var encoded = StoreStateMachine.Encode(command);
        while (true)
        {
            if (consensus.Host is not { Role: RaftRole.Leader } host)
            {
                throw new NotLeaderException(consensus.Host?.LeaderId);
            }
            try
            {
                return (ApplyResult)(await host.ProposeAsync(encoded, cancellationToken).ConfigureAwait(false)).Response!;
            }
            catch (RaftRequestRejectedException)
            {
                // A leader that has not committed an entry of its term yet, or is handing over: wait for either.
                await Task.Delay(NotReadyDelay, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
