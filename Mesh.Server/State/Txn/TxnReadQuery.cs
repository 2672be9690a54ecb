using Mesh.Server.State.Queries;

namespace Mesh.Server.State.Txn;

/// <summary>A transaction of reads only (get, get-tree, check-*): served like any read, without a Raft entry.</summary>
public sealed record TxnReadQuery(IReadOnlyList<TxnKvOp> Ops) : StateQuery<TxnOutcome>
{
    internal override TxnOutcome Run(StateReader reader) => reader.Txn(Ops);
}
