namespace Mesh.Server.Cluster;

/// <summary>
/// A Raft operation the datacenter refused (an unknown peer, no server to hand leadership to, ...): answered as
/// Consul answers RPC errors, a 500 with the message.
/// </summary>
public sealed class RaftOperatorException(string message) : Exception(message);
