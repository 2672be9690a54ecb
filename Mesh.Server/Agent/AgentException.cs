namespace Mesh.Server.Agent;

/// <summary>A request the agent refuses; the API answers <see cref="StatusCode"/> with the message as the body.</summary>
public sealed class AgentException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public static AgentException BadRequest(string message) => new(400, message);

    public static AgentException NotFound(string message) => new(404, message);
}
