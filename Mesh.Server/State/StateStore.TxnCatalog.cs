using Mesh.Server.State.Sessions;
using Mesh.Server.State.Txn;

namespace Mesh.Server.State;

// PUT /v1/txn's node, service, check and session operations (Consul's txnNode, txnService, txnCheck and txnSession),
// each a catalog command of its own run inside the transaction.
public sealed partial class StateStore
{
    private const string MissingNode = "Missing node registration";

    private string? RunTxnNode(TxnNodeOp op, ulong index, ChangeSet changes, List<TxnResult> results)
    {
        var name = op.Node.Node;
        return RunTxnCatalog(
            op.Verb, "Node", $"node {Quote(name)}", _nodes.GetValueOrDefault(name), n => n.ModifyIndex, op.Node.ModifyIndex, results,
            set: () => Registered(ApplyRegister(new CatalogRegister(op.Node), index, changes), results, () => new TxnResult(Node: _nodes[name])),
            delete: () => ApplyDeregister(new CatalogDeregister(name), index, changes).Error,
            result: n => new TxnResult(Node: n));
    }

    private string? RunTxnService(TxnServiceOp op, ulong index, ChangeSet changes, List<TxnResult> results)
    {
        var id = op.Service.ID;
        return RunTxnCatalog(
            op.Verb, "Service", $"service {Quote(id)} on node {Quote(op.Node)}", FindService(op.Node, id), s => s.ModifyIndex, op.Service.ModifyIndex, results,
            set: () =>
            {
                if (!_nodes.TryGetValue(op.Node, out var node))
                {
                    return MissingNode;
                }
                var register = new CatalogRegister(node, op.Service with { Node = node.Node }, SkipNodeUpdate: true);
                return Registered(ApplyRegister(register, index, changes), results, () => new TxnResult(Service: FindService(node.Node, id)));
            },
            delete: () => ApplyDeregister(new CatalogDeregister(op.Node, ServiceID: id), index, changes).Error,
            result: s => new TxnResult(Service: s));
    }

    private string? RunTxnCheck(TxnCheckOp op, ulong index, ChangeSet changes, List<TxnResult> results)
    {
        var check = op.Check;
        return RunTxnCatalog(
            op.Verb, "Check", $"check {Quote(check.CheckID)} on node {Quote(check.Node)}", FindCheck(check.Node, check.CheckID), c => c.ModifyIndex, check.ModifyIndex, results,
            set: () =>
            {
                if (!_nodes.TryGetValue(check.Node, out var node))
                {
                    return MissingNode;
                }
                if (check.ServiceID.Length > 0 && FindService(node.Node, check.ServiceID) is null)
                {
                    return "Missing service registration";
                }
                var register = new CatalogRegister(node, Checks: [check with { Node = node.Node }], SkipNodeUpdate: true);
                return Registered(ApplyRegister(register, index, changes), results, () => new TxnResult(Check: FindCheck(node.Node, check.CheckID)));
            },
            delete: () => ApplyDeregister(new CatalogDeregister(check.Node, CheckID: check.CheckID), index, changes).Error,
            result: c => new TxnResult(Check: c));
    }

    private string? RunTxnSession(TxnSessionOp op, ulong index, ChangeSet changes) =>
        op.Verb == TxnSessionOp.Delete
            ? ApplySessionDestroy(new SessionDestroy(op.ID), index, changes).Error
            : $"unknown Session verb {Quote(op.Verb)}";

    /// <summary>
    /// The verbs nodes, services and checks share. Consul's catalog CAS: a ModifyIndex of 0 sets only what does not
    /// exist yet, any other only the row it names; delete-cas needs the row.
    /// </summary>
    private static string? RunTxnCatalog<T>(
        string verb, string kind, string what, T? existing, Func<T, ulong> modifyIndex, ulong expected, List<TxnResult> results,
        Func<string?> set, Func<string?> delete, Func<T, TxnResult> result) where T : class
    {
        var current = existing is null ? (ulong?)null : modifyIndex(existing);
        switch (verb)
        {
            case TxnCatalogVerb.Get:
                if (existing is null)
                {
                    return $"{what} doesn't exist";
                }
                results.Add(result(existing));
                return null;
            case TxnCatalogVerb.Cas when (current ?? 0) != expected:
                return $"failed to set {what}, index is stale";
            case TxnCatalogVerb.Set or TxnCatalogVerb.Cas:
                return set();
            case TxnCatalogVerb.DeleteCas when current != expected:
                return $"failed to delete {what}, index is stale";
            case TxnCatalogVerb.Delete or TxnCatalogVerb.DeleteCas:
                return delete();
            default:
                return $"unknown {kind} verb {Quote(verb)}";
        }
    }

    /// <summary>A register's failure as the operation's error, or its row as the operation's result.</summary>
    private static string? Registered(ApplyResult applied, List<TxnResult> results, Func<TxnResult> result)
    {
        if (applied.Error is { } error)
        {
            return error;
        }
        results.Add(result());
        return null;
    }
}
