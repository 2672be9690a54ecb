using System.Text.Json;
using System.Text.Json.Serialization;
using Mesh.Server.State.ConnectCa;
using Mesh.Server.State.Txn;

namespace Mesh.Server.State;

/// <summary>
/// One deterministic change to the state store. Every write, in dev mode or through Raft, is one of these,
/// so replicas that apply the same commands in the same order hold the same state.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$op")]
[JsonDerivedType(typeof(KvSet), "kv-set")]
[JsonDerivedType(typeof(KvDelete), "kv-delete")]
[JsonDerivedType(typeof(CatalogRegister), "catalog-register")]
[JsonDerivedType(typeof(CatalogDeregister), "catalog-deregister")]
[JsonDerivedType(typeof(CheckStatusUpdate), "check-status")]
[JsonDerivedType(typeof(StateRestore), "state-restore")]
[JsonDerivedType(typeof(Intentions.IntentionApply), "intention-apply")]
[JsonDerivedType(typeof(ConnectCaSetRoot), "connect-ca-set-root")]
[JsonDerivedType(typeof(ConnectCaSetConfig), "connect-ca-set-config")]
[JsonDerivedType(typeof(TxnApply), "txn")]
[JsonDerivedType(typeof(Sessions.SessionCreate), "session-create")]
[JsonDerivedType(typeof(Sessions.SessionDestroy), "session-destroy")]
[JsonDerivedType(typeof(Sessions.SessionRenew), "session-renew")]
[JsonDerivedType(typeof(Sessions.KvLock), "kv-lock")]
[JsonDerivedType(typeof(Sessions.KvUnlock), "kv-unlock")]
[JsonDerivedType(typeof(PreparedQueries.PreparedQueryApply), "prepared-query-apply")]
public abstract record StateCommand;

/// <summary>PUT /v1/kv/:key. <paramref name="Cas"/>: 0 = only if absent, N = only if ModifyIndex is N.</summary>
public sealed record KvSet(string Key, byte[]? Value, ulong Flags = 0, ulong? Cas = null) : StateCommand;

/// <summary>DELETE /v1/kv/:key, optionally the whole prefix.</summary>
public sealed record KvDelete(string Key, bool Recurse = false, ulong? Cas = null) : StateCommand;

/// <summary>
/// Upserts a node and optionally one service and its checks (PUT /v1/catalog/register, and agent anti-entropy).
/// Indexes inside the records are ignored: the store assigns them.
/// </summary>
public sealed record CatalogRegister(
    CatalogNode Node,
    CatalogService? Service = null,
    IReadOnlyList<CatalogCheck>? Checks = null,
    bool SkipNodeUpdate = false) : StateCommand;

/// <summary>Removes a node (with its services and checks), or one service (with its checks), or one check.</summary>
public sealed record CatalogDeregister(string Node, string? ServiceID = null, string? CheckID = null) : StateCommand;

/// <summary>A check's new status and output, as an agent reports it.</summary>
public sealed record CheckStatusUpdate(string Node, string CheckID, string Status, string Output) : StateCommand;

/// <summary>
/// Replaces the whole state with a saved snapshot's (PUT /v1/snapshot): <paramref name="State"/> is what
/// <see cref="StateStore.StateSnapshot.WriteTo"/> wrote. Applied at its own index, which every read then reports
/// at least, so blocking queries wake and indexes never go backwards.
/// </summary>
public sealed record StateRestore(JsonElement State) : StateCommand;

/// <summary>The outcome of applying one command at one index.</summary>
/// <param name="Index">The index the command was applied at.</param>
/// <param name="Succeeded">False when a condition (CAS) did not hold; nothing changed.</param>
/// <param name="Error">A rejected command's reason; nothing changed.</param>
public sealed record ApplyResult(ulong Index, bool Succeeded, string? Error = null)
{
    /// <summary>A transaction's results or per-operation errors (<see cref="TxnApply"/> only).</summary>
    public TxnOutcome? Txn { get; init; }
}
