using Mesh.Server.State.Queries;

namespace Mesh.Server.State.Txn;

/// <summary>A transaction of reads only (KV get, get-tree and check-*; catalog get): served like any read, without a Raft entry.</summary>
public sealed record TxnReadQuery(IReadOnlyList<TxnOp> Ops) : StateQuery<TxnOutcome>
{
    internal override TxnOutcome Run(StateReader reader) => reader.Txn(Ops);
}
