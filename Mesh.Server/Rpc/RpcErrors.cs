using System.Net.Sockets;
using Grpc.Core;
using Mesh.Server.Cluster;

namespace Mesh.Server.Rpc;

/// <summary>
/// How failures cross agent RPC: a server that is down, unreachable or without a leader is Unavailable (the caller
/// may try again, or another server); a Raft operation the server refused is FailedPrecondition with its reason.
/// </summary>
internal static class RpcErrors
{
    /// <summary>A connection that was refused carried nothing; a server without a leader applied nothing.</summary>
    private static bool NeverApplied(RpcException ex)
    {
        if (ex.StatusCode != StatusCode.Unavailable)
        {
            return false;
        }
        if (ex.Status.Detail == ServerConsensus.NoLeader)
        {
            return true;
        }
        for (var inner = ex.Status.DebugException; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>On the server: the exception a handler's failure becomes, or null for one that is a bug.</summary>
    public static RpcException? ToRpc(Exception error) => error switch
    {
        NoServerException => new RpcException(new Status(StatusCode.Unavailable, error.Message)),
        RaftOperatorException => new RpcException(new Status(StatusCode.FailedPrecondition, error.Message)),
        _ => null,
    };

    /// <summary>On the caller: the server's answer, or its failure as the exception the API answers with.</summary>
    public static async Task<T> Translate<T>(Task<T> response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            throw new NoServerException($"rpc error: {ex.Status.Detail}") { Undelivered = NeverApplied(ex) };
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            // The caller cancelled (a leader stepping down, the agent stopping): say so as .NET does, or the caller
            // takes it for a failed call, and a background service that stops on cancellation crashes instead.
            throw new OperationCanceledException(ex.Status.Detail, ex, cancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.FailedPrecondition)
        {
            throw new RaftOperatorException(ex.Status.Detail);
        }
    }
}
