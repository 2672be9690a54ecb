using Grpc.Core;
using Mesh.Server.Cluster;

namespace Mesh.Server.Rpc;

/// <summary>
/// What only a server can answer, asked of one over agent RPC: who leads (a client agent's /v1/status/*) and the
/// operator requests (a client agent's, or a follower forwarding to its leader). <paramref name="pickServer"/>
/// names the server to ask ("host:port"), or null when none is known.
/// </summary>
public sealed class RemoteCluster(ServerConnections connections, Func<string?> pickServer) : IRaftOperator
{
    // Generous: a transfer or a configuration change waits for the new leader or the commit.
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The leader's RPC address ("" when there is none) and the voters', as a server sees them.</summary>
    public async Task<(string Leader, IReadOnlyList<string> Peers)> StatusAsync(CancellationToken cancellationToken = default)
    {
        var status = await CallAsync(AgentRpcMethods.Status, new StatusRequest(), cancellationToken).ConfigureAwait(false);
        return (status.Leader, status.Peers);
    }

    public Task<RaftConfigurationReply> ConfigurationAsync(bool stale, CancellationToken cancellationToken = default) =>
        CallAsync(AgentRpcMethods.RaftConfiguration, new RaftConfigurationRequest(stale), cancellationToken);

    public Task RemovePeerAsync(RaftPeer peer, CancellationToken cancellationToken = default) =>
        CallAsync(AgentRpcMethods.RemovePeer, peer, cancellationToken);

    public Task TransferLeadershipAsync(string? id, CancellationToken cancellationToken = default) =>
        CallAsync(AgentRpcMethods.TransferLeader, new TransferLeaderRequest(id), cancellationToken);

    public Task<SavedSnapshot> SaveSnapshotAsync(bool stale, CancellationToken cancellationToken = default) =>
        RpcErrors.Translate(ReceiveSnapshotAsync(stale, cancellationToken), cancellationToken);

    private async Task<SavedSnapshot> ReceiveSnapshotAsync(bool stale, CancellationToken cancellationToken)
    {
        using var call = Invoker().AsyncServerStreamingCall(AgentRpcMethods.SnapshotSave, null, Options(cancellationToken), new SnapshotSaveRequest(stale));
        using var archive = new MemoryStream();
        var index = 0UL;
        await foreach (var chunk in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            index = chunk.Index;
            archive.Write(chunk.Data);
        }
        return new SavedSnapshot(index, archive.ToArray());
    }

    private Task<TResponse> CallAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CancellationToken cancellationToken)
        where TRequest : class
        where TResponse : class =>
        RpcErrors.Translate(Invoker().AsyncUnaryCall(method, null, Options(cancellationToken), request).ResponseAsync, cancellationToken);

    private static CallOptions Options(CancellationToken cancellationToken) =>
        new(deadline: DateTime.UtcNow + CallTimeout, cancellationToken: cancellationToken);

    private CallInvoker Invoker() =>
        pickServer() is { } server ? connections.For(server) : throw NoServerException.NoneKnown();
}
