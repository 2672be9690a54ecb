using System.Net;

namespace Mesh.Server.Gossip;

/// <summary>A query as a member receives it: what is asked, by whom, and where the answer goes.</summary>
public sealed class GossipQuery
{
    internal GossipQuery(QueryMessage message, TimeSpan deadline)
    {
        Id = message.Id;
        Name = message.Name;
        Origin = message.Origin;
        Payload = message.Payload;
        OriginAddress = message.OriginAddress;
        RelayFactor = message.RelayFactor;
        Deadline = deadline;
    }

    /// <summary>The id the asking member gave it.</summary>
    public uint Id { get; }

    /// <summary>What is asked; handlers are chosen by name.</summary>
    public string Name { get; }

    /// <summary>The asking member's name.</summary>
    public string Origin { get; }

    public ReadOnlyMemory<byte> Payload { get; }

    internal IPEndPoint OriginAddress { get; }

    internal int RelayFactor { get; }

    /// <summary>On the receiving core's clock: answers after this are not sent.</summary>
    internal TimeSpan Deadline { get; }
}
