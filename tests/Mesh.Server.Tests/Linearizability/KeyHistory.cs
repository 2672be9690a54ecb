namespace Mesh.Server.Tests.Linearizability;

internal enum OpKind : byte
{
    Read,
    Write,
    Cas,
    Delete,
}

/// <summary>
/// One operation in the search's compact form. Values are interned ids (<see cref="KeyHistory.Absent"/> is 0);
/// <see cref="Value"/> is the written value or the CAS's expected value, <see cref="NewValue"/> the CAS's new value,
/// <see cref="Observed"/> the read's value id or the CAS's outcome (1 swapped, 0 not), or <see cref="KeyHistory.NotObserved"/>.
/// </summary>
internal readonly record struct CompiledOp(OpKind Kind, int Value, int NewValue, int Observed, long Invoke, long Return)
{
    public bool IsUnknown => Observed == KeyHistory.NotObserved;
}

/// <summary>One key's history, compiled for the search.</summary>
internal sealed class KeyHistory
{
    public const int Absent = 0;
    public const int NotObserved = -1;

    private KeyHistory(OperationRecord[] records, CompiledOp[] ops, string?[] values)
    {
        Records = records;
        Ops = ops;
        Values = values;
    }

    /// <summary>The records the search works on; <c>Records[i]</c> is <c>Ops[i]</c>.</summary>
    public OperationRecord[] Records { get; }
    public CompiledOp[] Ops { get; }
    /// <summary>Value id to value (null is absent).</summary>
    public string?[] Values { get; }

    /// <summary>
    /// Compiles one key's records for the search, without unknown operations that cannot change the verdict, in
    /// invocation order (so a linearized set is mostly a prefix of the known operations).
    /// </summary>
    public static KeyHistory Compile(IEnumerable<OperationRecord> records)
    {
        var all = CompileAll(records);
        var rules = new RemovalRules(all.Ops);
        var kept = Enumerable.Range(0, all.Ops.Length)
            .Where(i => !all.Ops[i].IsUnknown || !rules.CanRemove(i))
            .OrderBy(i => all.Ops[i].Invoke)
            .ToArray();
        return new KeyHistory([.. kept.Select(i => all.Records[i])], [.. kept.Select(i => all.Ops[i])], all.Values);
    }

    /// <summary>Compiles all of one key's records.</summary>
    public static KeyHistory CompileAll(IEnumerable<OperationRecord> records)
    {
        var all = records.ToArray();
        var values = new List<string?> { null };
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        int Intern(string? value)
        {
            if (value is null)
            {
                return Absent;
            }
            if (!ids.TryGetValue(value, out var id))
            {
                id = values.Count;
                ids.Add(value, id);
                values.Add(value);
            }
            return id;
        }

        var ops = new CompiledOp[all.Length];
        for (var i = 0; i < all.Length; i++)
        {
            var record = all[i];
            var returned = record.IsUnknown ? long.MaxValue : record.ReturnTimestamp!.Value;
            var observed = record.Result switch
            {
                null => NotObserved,
                ReadValue read => Intern(read.Value),
                CasOutcome outcome => outcome.Swapped ? 1 : 0,
                _ => 1,
            };
            var (kind, value, newValue) = record.Operation switch
            {
                ReadOp => (OpKind.Read, Absent, Absent),
                WriteOp write => (OpKind.Write, Intern(write.Value), Absent),
                CasOp cas => (OpKind.Cas, Intern(cas.Expected), Intern(cas.New)),
                DeleteOp => (OpKind.Delete, Absent, Absent),
                _ => throw new ArgumentException($"Unsupported operation {record.Operation}."),
            };
            ops[i] = new CompiledOp(kind, value, newValue, observed, record.InvokeTimestamp, returned);
        }

        return new KeyHistory(all, ops, [.. values]);
    }
}
