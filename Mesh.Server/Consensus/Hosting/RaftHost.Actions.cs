namespace Mesh.Server.Consensus.Hosting;

/// <summary>Carrying out the core's actions, on the event loop: queue storage, apply and snapshot work, send messages, answer callers.</summary>
public sealed partial class RaftHost
{
    private void Carry(RaftAction action)
    {
        switch (action)
        {
            case Send send:
                if (AddressOf(send.Message.To) is { } address)
                {
                    _transport.Send(address, send.Message);
                }
                break;
            case Persist or CompactLog or SaveSnapshotChunk:
                _storageQueue.Writer.TryWrite(action);
                break;
            case ApplyEntries or TakeSnapshot or RestoreSnapshot:
                // In log order with the applies: a snapshot is taken exactly at its index, a restore replaces them.
                _applyQueue.Writer.TryWrite(action);
                break;
            case ReadSnapshotChunk read:
                ReadChunkInBackground(read);
                break;
            case ProposalAccepted accepted:
                OnAccepted(accepted);
                break;
            case RequestRejected rejected:
                OnRejected(rejected);
                break;
            case ReadReady ready:
                OnReadReady(ready);
                break;
            case RoleChanged changed:
                OnRoleChanged(changed);
                break;
        }
    }
}
