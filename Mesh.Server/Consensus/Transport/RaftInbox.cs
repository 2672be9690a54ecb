using Mesh.Server.Consensus.Hosting;

namespace Mesh.Server.Consensus.Transport;

/// <summary>
/// Connects the listening endpoint to the server currently running, so a server can stop and restart without
/// the endpoint; messages arriving while none is attached are dropped, as a down server would.
/// </summary>
public sealed class RaftInbox : IRaftMessageSink
{
    private volatile IRaftMessageSink? _sink;

    public void Attach(IRaftMessageSink? sink) => _sink = sink;

    public void Deliver(RaftMessage message) => _sink?.Deliver(message);
}
