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

/// <summary>Asks a server who leads and which servers vote (what a client agent answers /v1/status/* with).</summary>
internal sealed record StatusRequest;

/// <summary>The leader's RPC address ("" when there is none) and the voters' addresses, as the server sees them.</summary>
internal sealed record StatusResponse(string Leader, IReadOnlyList<string> Peers);

/// <summary>Reads the Raft configuration; <paramref name="Stale"/> lets the server answer without the leader.</summary>
internal sealed record RaftConfigurationRequest(bool Stale);

/// <summary>Hands leadership to <paramref name="Id"/>, or to the best voter when null.</summary>
internal sealed record TransferLeaderRequest(string? Id);

/// <summary>An operator change went through (a refusal is an RPC error carrying its reason).</summary>
internal sealed record OperatorResponse;

/// <summary>Takes a snapshot; <paramref name="Stale"/> lets the server take its own rather than the leader's.</summary>
internal sealed record SnapshotSaveRequest(bool Stale);

/// <summary>One piece of a snapshot archive, with the index of the state it holds.</summary>
internal sealed record SnapshotChunk(ulong Index, byte[] Data);

/// <summary>A client agent's request that a server certify a leaf key for <paramref name="Service"/>.</summary>
internal sealed record SignLeafRequest(string Service, string CsrPem);
