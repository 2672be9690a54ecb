namespace Mesh.Server.Gossip;

/// <summary>Telemetry hooks of the protocol core; every method has a no-op default.</summary>
public interface IGossipObserver
{
    /// <summary>A probe ended: acked (directly, indirectly or over a stream) or not.</summary>
    void ProbeFinished(string target, TimeSpan duration, bool acked) { }

    /// <summary>This node started suspecting a member.</summary>
    void SuspicionStarted(string member) { }

    /// <summary>This node refuted a suspicion or death notice about itself.</summary>
    void Refuted() { }

    void PacketDropped(DropReason reason) { }

    void HealthScoreChanged(int score) { }

    /// <summary>Bytes written to the network, by transport ("udp" or "tcp").</summary>
    void BytesSent(string transport, int bytes) { }

    /// <summary>Bytes read from the network, by transport ("udp" or "tcp").</summary>
    void BytesReceived(string transport, int bytes) { }
}
