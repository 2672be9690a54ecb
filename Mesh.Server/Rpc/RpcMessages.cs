using System.Text.Json;
using Mesh.Server.State.Queries;

namespace Mesh.Server.Rpc;

/// <summary>A read sent to a server: the query, and how to answer it (blocking, consistency).</summary>
internal sealed record QueryRequest(StateQuery Query, ulong MinIndex, long WaitMilliseconds, Consistency Consistency);

/// <summary>A server's answer: the result as JSON of the query's result type, its index, and how fresh it is.</summary>
internal sealed record QueryResponse(JsonElement Value, ulong Index, bool KnownLeader, long LastContactMilliseconds);

/// <summary>Asks a server about its Raft state (before bootstrapping: does a datacenter already exist?).</summary>
internal sealed record RaftStatusRequest;

/// <summary>Whether the server belongs to a Raft configuration, and the leader it knows (its RPC address).</summary>
internal sealed record RaftStatusResponse(bool HasConfiguration, string? Leader);
