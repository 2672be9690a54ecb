namespace Mesh.Server.Tests.Linearizability;

/// <summary>
/// The definition, searched exhaustively, for cross-checking the real checker on tiny single-key histories: some order
/// of all known operations plus any subset of the unknown ones, respecting real time (a before b when a returned
/// strictly before b was invoked), in which a register starting absent produces every known result.
/// </summary>
internal static class BruteForceLinearizability
{
    public static bool IsLinearizable(IReadOnlyList<OperationRecord> records)
    {
        var failed = new HashSet<(int, string?)>();
        var allKnown = 0;
        for (var i = 0; i < records.Count; i++)
        {
            allKnown |= records[i].IsUnknown ? 0 : 1 << i;
        }

        bool Search(int placed, string? state)
        {
            if ((placed & allKnown) == allKnown)
            {
                return true;
            }
            if (failed.Contains((placed, state)))
            {
                return false;
            }
            for (var i = 0; i < records.Count; i++)
            {
                if ((placed & (1 << i)) == 0 && PredecessorsPlaced(records, placed, i)
                    && Apply(records[i], state, out var next) && Search(placed | (1 << i), next))
                {
                    return true;
                }
            }
            failed.Add((placed, state));
            return false;
        }

        return Search(0, null);
    }

    private static bool PredecessorsPlaced(IReadOnlyList<OperationRecord> records, int placed, int candidate)
    {
        for (var j = 0; j < records.Count; j++)
        {
            if ((placed & (1 << j)) == 0 && !records[j].IsUnknown && records[j].ReturnTimestamp < records[candidate].InvokeTimestamp)
            {
                return false;
            }
        }
        return true;
    }

    private static bool Apply(OperationRecord record, string? state, out string? next)
    {
        next = state;
        switch (record.Operation)
        {
            case ReadOp:
                return record.Result is null || ((ReadValue)record.Result).Value == state;
            case WriteOp write:
                next = write.Value;
                return true;
            case DeleteOp:
                next = null;
                return true;
            case CasOp cas:
                var swaps = cas.Expected == state;
                next = swaps ? cas.New : state;
                return record.Result is null || ((CasOutcome)record.Result).Swapped == swaps;
            default:
                throw new ArgumentException($"Unsupported operation {record.Operation}.");
        }
    }
}
