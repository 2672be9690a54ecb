using Mesh.Server.Consensus;
using Mesh.Server.Consensus.Hosting;

namespace Mesh.Server.Tests.Consensus.Hosting;

/// <summary>
/// The fault hook for partition tests: wraps a server's real transport (outbound) and its inbox (inbound) and
/// drops every message to or from the servers it is cut off from, as a broken network would.
/// </summary>
internal sealed class PartitionableTransport(IRaftTransport inner) : IRaftTransport
{
    private readonly Lock _lock = new();
    private HashSet<string> _cutOff = new(StringComparer.Ordinal);

    /// <summary>Cuts this server off from these server ids (both directions, as far as this server is concerned).</summary>
    public void CutOff(IEnumerable<string> serverIds)
    {
        lock (_lock)
        {
            _cutOff = new HashSet<string>(serverIds, StringComparer.Ordinal);
        }
    }

    public void Heal() => CutOff([]);

    public void Send(string address, RaftMessage message)
    {
        if (!IsCutOff(message.To))
        {
            inner.Send(address, message);
        }
    }

    /// <summary>Wraps the server's message sink so that messages from cut-off servers never arrive.</summary>
    public IRaftMessageSink Inbound(IRaftMessageSink sink) => new FilteringSink(this, sink);

    private bool IsCutOff(string serverId)
    {
        lock (_lock)
        {
            return _cutOff.Contains(serverId);
        }
    }

    private sealed class FilteringSink(PartitionableTransport partition, IRaftMessageSink sink) : IRaftMessageSink
    {
        public void Deliver(RaftMessage message)
        {
            if (!partition.IsCutOff(message.From))
            {
                sink.Deliver(message);
            }
        }
    }
}
