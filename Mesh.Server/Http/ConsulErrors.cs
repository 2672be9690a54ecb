using System.Text.Json;
using Mesh.Server.Agent;
using Mesh.Server.Config;

namespace Mesh.Server.Http;

/// <summary>
/// The one exception-to-answer mapping of the API: Consul's plain-text error bodies, a clear status for client
/// mistakes, and never a stack trace on the wire.
/// </summary>
internal static class ConsulErrors
{
    public static async Task WriteAsync(HttpContext context, Exception error, ILogger logger)
    {
        if (error is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            // The client went away (typically during a blocking query): there is nobody to answer.
            return;
        }

        var (status, message) = error switch
        {
            ConsulHttpException e => (e.StatusCode, e.Message),
            AgentException e => (e.StatusCode, e.Message),
            ConfigException e => (StatusCodes.Status400BadRequest, "Request decode failed: " + e.Message),
            JsonException e => (StatusCodes.Status400BadRequest, "Request decode failed: " + e.Message),
            BadHttpRequestException e => (e.StatusCode, e.Message),
            Rpc.NoServerException => (StatusCodes.Status500InternalServerError, error.Message),
            Grpc.Core.RpcException e => (StatusCodes.Status500InternalServerError, "rpc error: " + e.Status.Detail),
            _ => (StatusCodes.Status500InternalServerError, error.Message),
        };
        if (error is not (ConsulHttpException or AgentException or Rpc.NoServerException or Grpc.Core.RpcException)
            && status >= StatusCodes.Status500InternalServerError)
        {
            // Unexpected: the log keeps the stack trace, the client gets the one-line message.
            logger.LogError(error, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
        }

        if (context.Response.HasStarted)
        {
            // Part of an answer is on the wire: cutting the connection is the only honest signal left.
            context.Abort();
            return;
        }
        context.Response.Clear();
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message, context.RequestAborted).ConfigureAwait(false);
    }
}
