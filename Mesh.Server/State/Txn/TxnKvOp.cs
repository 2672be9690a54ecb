namespace Mesh.Server.State.Txn;

/// <summary>
/// One KV operation of a transaction (Consul's api.KVTxnOp): <paramref name="Index"/> is the ModifyIndex that
/// cas, delete-cas and check-index compare against; <paramref name="Session"/> is what lock, unlock and
/// check-session use.
/// </summary>
public sealed record TxnKvOp(string Verb, string Key, byte[]? Value = null, ulong Flags = 0, ulong Index = 0, string? Session = null)
    : TxnOp(Verb)
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

    public override bool IsWrite => Verb is Set or Cas or Lock or Unlock or Delete or DeleteTree or DeleteCas;
}
