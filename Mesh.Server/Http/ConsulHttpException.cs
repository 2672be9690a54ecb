namespace Mesh.Server.Http;

/// <summary>A request the API refuses: answered with <see cref="StatusCode"/> and the message as a plain-text body.</summary>
internal sealed class ConsulHttpException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public static ConsulHttpException BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);
}
