namespace Mesh.Server.Consensus.Hosting;

/// <summary>The proposal was refused by this server; <see cref="LeaderId"/> names the leader it knows of, if any.</summary>
public sealed class NotLeaderException(string? leaderId)
    : Exception(leaderId is null ? "This server is not the leader and knows of none." : $"This server is not the leader; {leaderId} is.")
{
    public string? LeaderId { get; } = leaderId;
}

/// <summary>The leader refused the proposal (transfer in progress, not ready yet, ...), or the entry was lost.</summary>
public sealed class RaftRequestRejectedException(string message) : Exception(message);

/// <summary>
/// Whether the proposal was applied cannot be told (a snapshot from a new leader replaced the log it was in):
/// unlike a refusal, proposing it again might apply it twice.
/// </summary>
public sealed class RaftOutcomeUnknownException(string message) : Exception(message);
