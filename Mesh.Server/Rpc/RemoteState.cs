using System.Text.Json;
using Grpc.Core;
using Mesh.Server.State;
using Mesh.Server.State.Queries;

namespace Mesh.Server.Rpc;

/// <summary>
/// Writes and reads of an agent that holds no state of its own (a client agent): each goes to a server over
/// agent RPC. <paramref name="pickServer"/> names the server to use now ("host:port"), or null when none is known.
/// </summary>
public sealed class RemoteState(ServerConnections connections, Func<string?> pickServer) : IStateWriter, IStateReader
{
    // A blocking query may take its whole wait (at most 10 min plus jitter); the deadline only guards a lost server.
    private static readonly TimeSpan CallMargin = TimeSpan.FromSeconds(30);

    public async Task<ApplyResult> ApplyAsync(StateCommand command, CancellationToken cancellationToken = default)
    {
        var call = Invoker().AsyncUnaryCall(AgentRpcMethods.Apply, null, new CallOptions(cancellationToken: cancellationToken), command);
        return await RpcErrors.Translate(call.ResponseAsync, cancellationToken).ConfigureAwait(false);
    }

    public async Task<QueryResult<T>> QueryAsync<T>(StateQuery<T> query, QueryOptions options, CancellationToken cancellationToken = default)
    {
        var request = new QueryRequest(query, options.MinIndex, (long)options.Wait.TotalMilliseconds, options.Consistency);
        var callOptions = new CallOptions(deadline: DateTime.UtcNow + options.Wait + CallMargin, cancellationToken: cancellationToken);
        var response = await RpcErrors.Translate(Invoker().AsyncUnaryCall(AgentRpcMethods.Query, null, callOptions, request).ResponseAsync, cancellationToken).ConfigureAwait(false);
        return new QueryResult<T>(response.Value.Deserialize<T>(StateJson.Options)!, response.Index)
        {
            KnownLeader = response.KnownLeader,
            LastContact = TimeSpan.FromMilliseconds(response.LastContactMilliseconds),
        };
    }

    private CallInvoker Invoker() =>
        pickServer() is { } server ? connections.For(server) : throw NoServerException.NoneKnown();
}

/// <summary>No server could be reached (Consul answers these with 500 "No known Consul servers" / rpc errors).</summary>
public sealed class NoServerException(string message) : Exception(message)
{
    /// <summary>A client agent that knows no server (Consul's structs.ErrNoServers).</summary>
    public static NoServerException NoneKnown() => new("No known Consul servers") { Undelivered = true };

    /// <summary>
    /// The request certainly took no effect: it never reached a server (no server known, connection refused) or
    /// the server refused it unapplied (no leader). Otherwise the answer was lost and the outcome is unknown.
    /// </summary>
    public bool Undelivered { get; init; }
}
