using Grpc.Core;
using Mesh.Server.Cluster;
using Mesh.Server.Connect;

namespace Mesh.Server.Rpc;

/// <summary>A client agent's signer: a server's CA certifies the key over agent RPC, as Consul's ConnectCA.Sign does.</summary>
public sealed class RemoteLeafSigner(ServerConnections connections, Func<string?> pickServer) : ILeafSigner
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    public async Task<LeafCertificate> SignAsync(string service, string csrPem, CancellationToken cancellationToken)
    {
        var invoker = pickServer() is { } server ? connections.For(server) : throw NoServerException.NoneKnown();
        var call = invoker.AsyncUnaryCall(
            AgentRpcMethods.SignLeaf, null, new CallOptions(deadline: DateTime.UtcNow + CallTimeout, cancellationToken: cancellationToken), new SignLeafRequest(service, csrPem));
        try
        {
            return await RpcErrors.Translate(call.ResponseAsync, cancellationToken).ConfigureAwait(false);
        }
        catch (RaftOperatorException ex)
        {
            // The server refused to sign (no CA yet, Connect off): the reason is the agent's answer.
            throw new InvalidOperationException(ex.Message, ex);
        }
    }
}
