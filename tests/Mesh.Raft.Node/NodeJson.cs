using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mesh.Raft.Node;

/// <summary>An increment as the counter holds it: the log index that applied it and the client's id.</summary>
internal sealed record AppliedId(ulong Index, string Id);

/// <summary>Answer to POST /increment: the log index of the applied increment.</summary>
internal sealed record IncrementResult(ulong Index);

/// <summary>Answer to GET /value: how many increments, the last applied index, a hash of every id in order.</summary>
internal sealed record CounterValue(int Count, ulong LastIndex, string Hash);

/// <summary>A refused request: why, and the leader this server knows of (null if none).</summary>
internal sealed record Refusal(string Error, string? Leader);

/// <summary>Answer to GET /status.</summary>
internal sealed record NodeStatus(
    string Id,
    string Role,
    ulong Term,
    string? Leader,
    ulong CommitIndex,
    ulong AppliedIndex,
    ulong LastLogIndex,
    long LogSyncs,
    ulong SnapshotIndex,
    int Restores,
    string? Failure);

/// <summary>Source-generated JSON for the API and the snapshots (camelCase, as ASP.NET Core's web defaults).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AppliedId[]))]
[JsonSerializable(typeof(List<AppliedId>))]
[JsonSerializable(typeof(IncrementResult))]
[JsonSerializable(typeof(CounterValue))]
[JsonSerializable(typeof(Refusal))]
[JsonSerializable(typeof(NodeStatus))]
internal sealed partial class NodeJson : JsonSerializerContext;
