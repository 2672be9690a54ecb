namespace Mesh.Server.Consensus.Hosting;

/// <summary>Carries messages to other servers. Best effort and non-blocking: Raft tolerates loss and reordering.</summary>
public interface IRaftTransport
{
    /// <param name="address">The receiver's address from the cluster configuration, "host:port".</param>
    void Send(string address, RaftMessage message);
}

/// <summary>Where a transport hands the messages it receives.</summary>
public interface IRaftMessageSink
{
    void Deliver(RaftMessage message);
}
