namespace Mesh.Server.Gossip;

/// <summary>A gossip operation that failed for a reason worth showing the user as one line (e.g. a join).</summary>
public sealed class GossipException(string message, Exception? inner = null) : Exception(message, inner);
