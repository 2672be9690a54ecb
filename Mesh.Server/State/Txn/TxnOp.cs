using System.Text.Json.Serialization;

namespace Mesh.Server.State.Txn;

/// <summary>One operation of PUT /v1/txn (Consul's structs.TxnOp): on a KV entry, a node, a service, a check or a session.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$txn")]
[JsonDerivedType(typeof(TxnKvOp), "kv")]
[JsonDerivedType(typeof(TxnNodeOp), "node")]
[JsonDerivedType(typeof(TxnServiceOp), "service")]
[JsonDerivedType(typeof(TxnCheckOp), "check")]
[JsonDerivedType(typeof(TxnSessionOp), "session")]
public abstract record TxnOp(string Verb)
{
    /// <summary>
    /// Whether the operation changes the store (Consul's isWrite): a transaction without one is served as a read,
    /// outside Raft. An unknown verb counts as a read, so that it fails in the store with Consul's message.
    /// </summary>
    [JsonIgnore]
    public abstract bool IsWrite { get; }
}

/// <summary>PUT /v1/txn with at least one write: every operation applied at one index, or none.</summary>
public sealed record TxnApply(IReadOnlyList<TxnOp> Ops) : StateCommand;

/// <summary>A failed operation: its position in the request and Consul's reason.</summary>
public sealed record TxnError(int OpIndex, string What);

/// <summary>One entry of a transaction's Results (Consul's structs.TxnResult): exactly one member is set.</summary>
public sealed record TxnResult(KvEntry? KV = null, CatalogNode? Node = null, CatalogService? Service = null, CatalogCheck? Check = null);

/// <summary>What a transaction answered: Results when every operation held, otherwise only Errors.</summary>
public sealed record TxnOutcome(IReadOnlyList<TxnResult>? Results, IReadOnlyList<TxnError>? Errors);
