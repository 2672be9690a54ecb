namespace Mesh.Server.Consensus.Hosting;

/// <summary>Carrying out the core's actions, on the event loop: queue storage and apply work, send messages.</summary>
public sealed partial class RaftHost
{
    private void Carry(RaftAction action)
    {
        switch (action)
        {
            case Send send:
                if (_node.Configuration.Find(send.Message.To) is { } member)
                {
                    _transport.Send(member.Address, send.Message);
                }
                break;
            case Persist or CompactLog or SaveSnapshotChunk:
                _storageQueue.Writer.TryWrite(action);
                break;
            case ApplyEntries apply:
                _applyQueue.Writer.TryWrite(apply);
                break;
            case TakeSnapshot:
                // Not supported yet: left unanswered, the core never asks again and keeps the whole log.
                break;
            case RestoreSnapshot or ReadSnapshotChunk:
                throw new InvalidOperationException($"This host does not install or send snapshots yet ({action}).");
            case ProposalAccepted accepted:
                OnAccepted(accepted);
                break;
            case RequestRejected rejected:
                OnRejected(rejected);
                break;
            case ReadReady or RoleChanged:
                break;
        }
    }
}
