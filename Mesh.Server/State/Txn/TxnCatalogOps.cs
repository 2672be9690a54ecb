namespace Mesh.Server.State.Txn;

/// <summary>Consul's api.NodeOp, api.ServiceOp and api.CheckOp: the catalog operations share their verbs.</summary>
public static class TxnCatalogVerb
{
    public const string Set = "set";
    public const string Cas = "cas";
    public const string Get = "get";
    public const string Delete = "delete";
    public const string DeleteCas = "delete-cas";
}

/// <summary>A node of the catalog (api.NodeTxnOp); cas and delete-cas compare <c>Node.ModifyIndex</c>.</summary>
public sealed record TxnNodeOp(string Verb, CatalogNode Node) : TxnOp(Verb)
{
    public override bool IsWrite => Verb is not TxnCatalogVerb.Get;
}

/// <summary>A service instance on <paramref name="Node"/> (api.ServiceTxnOp); cas and delete-cas compare <c>Service.ModifyIndex</c>.</summary>
public sealed record TxnServiceOp(string Verb, string Node, CatalogService Service) : TxnOp(Verb)
{
    public override bool IsWrite => Verb is not TxnCatalogVerb.Get;
}

/// <summary>A health check (api.CheckTxnOp); cas and delete-cas compare <c>Check.ModifyIndex</c>.</summary>
public sealed record TxnCheckOp(string Verb, CatalogCheck Check) : TxnOp(Verb)
{
    public override bool IsWrite => Verb is not TxnCatalogVerb.Get;
}

/// <summary>A session (api.SessionTxnOp): Consul's only verb is delete.</summary>
public sealed record TxnSessionOp(string Verb, string ID) : TxnOp(Verb)
{
    public const string Delete = "delete";

    public override bool IsWrite => true;
}
