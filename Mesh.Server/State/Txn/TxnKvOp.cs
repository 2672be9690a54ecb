using System.Text.Json.Serialization;

namespace Mesh.Server.State.Txn;

/// <summary>
/// One KV operation of a transaction (Consul's api.KVTxnOp): <paramref name="Index"/> is the ModifyIndex that
/// cas, delete-cas and check-index compare against; <paramref name="Session"/> is what lock, unlock and
/// check-session use.
/// </summary>
public sealed record TxnKvOp(string Verb, string Key, byte[]? Value = null, ulong Flags = 0, ulong Index = 0, string? Session = null)
{
    /// <summary>Consul's api.KVOp names.</summary>
    public const string Set = "set";
    public const string Cas = "cas";
    public const string Lock = "lock";
    public const string Unlock = "unlock";
    public const string Get = "get";
    public const string GetTree = "get-tree";
    public const string CheckIndex = "check-index";
    public const string CheckSession = "check-session";
    public const string CheckNotExists = "check-not-exists";
    public const string Delete = "delete";
    public const string DeleteTree = "delete-tree";
    public const string DeleteCas = "delete-cas";

    /// <summary>
    /// Whether the verb changes the store (Consul's isWrite): a transaction without one is served as a read,
    /// outside Raft. An unknown verb counts as a read, so that it fails in the store with Consul's message.
    /// </summary>
    [JsonIgnore]
    public bool IsWrite => Verb is Set or Cas or Lock or Unlock or Delete or DeleteTree or DeleteCas;
}

/// <summary>PUT /v1/txn with at least one write: every operation applied at one index, or none.</summary>
public sealed record TxnApply(IReadOnlyList<TxnKvOp> Ops) : StateCommand;

/// <summary>A failed operation: its position in the request and Consul's reason.</summary>
public sealed record TxnError(int OpIndex, string What);

/// <summary>One entry of a transaction's Results (Consul's structs.TxnResult); only KV operations exist here.</summary>
public sealed record TxnResult(KvEntry KV);

/// <summary>What a transaction answered: Results when every operation held, otherwise only Errors.</summary>
public sealed record TxnOutcome(IReadOnlyList<TxnResult>? Results, IReadOnlyList<TxnError>? Errors);
