namespace Mesh.Server.Tests.Linearizability;

/// <summary>
/// Histories of a real register: each operation takes effect atomically at a point inside its interval, so the result
/// is linearizable by construction; plus a mutation that makes it provably not.
/// </summary>
internal static class RegisterSimulation
{
    /// <summary>
    /// <paramref name="operations"/> operations by <paramref name="clients"/> sequential clients on
    /// <paramref name="keys"/> keys, with unique written values and times in milliseconds. An unknown operation
    /// (rate <paramref name="unknownRate"/>) takes effect or not with equal chance.
    /// </summary>
    public static RecordedHistory Generate(int seed, int operations, int clients, int keys, double unknownRate, int maxLatency = 60)
    {
        var random = new Random(seed);
        var registers = new Dictionary<string, string?>();
        var setValues = new Dictionary<string, List<string>>();
        var clientFree = new long[clients];
        var records = new List<OperationRecord>();
        long now = 0;
        for (var id = 0; id < operations; id++)
        {
            // The next linearization point, handed to a client that is idle by then.
            now = Math.Max(now + random.Next(1, 4), clientFree.Min() + 1);
            var idle = Enumerable.Range(0, clients).Where(c => clientFree[c] < now).ToArray();
            var client = idle[random.Next(idle.Length)];
            var invoked = now - random.Next(0, (int)Math.Min(now - clientFree[client] - 1, maxLatency) + 1);
            var returned = now + random.Next(0, maxLatency + 1);
            clientFree[client] = returned;

            var key = $"k{random.Next(keys)}";
            var current = registers.GetValueOrDefault(key);
            var earlier = setValues.TryGetValue(key, out var list) ? list : setValues[key] = [];
            var value = $"v{id}";
            RegisterOp op = random.NextDouble() switch
            {
                < 0.45 => new ReadOp(),
                < 0.70 => new WriteOp(value),
                < 0.92 => new CasOp(random.NextDouble() < 0.6 || earlier.Count == 0 ? current : earlier[random.Next(earlier.Count)], value),
                _ => new DeleteOp(),
            };
            var (result, next) = op switch
            {
                ReadOp => ((RegisterResult)new ReadValue(current), current),
                WriteOp => (new Acknowledged(), value),
                CasOp cas => (new CasOutcome(cas.Expected == current), cas.Expected == current ? value : current),
                _ => (new Acknowledged(), null),
            };
            var unknown = random.NextDouble() < unknownRate;
            if (!unknown || random.Next(2) == 0)
            {
                registers[key] = next;
                if (next == value)
                {
                    earlier.Add(value);
                }
            }
            records.Add(new OperationRecord(id, client, key, op, invoked, returned, unknown ? null : result));
        }
        return new RecordedHistory(records, 1000);
    }

    /// <summary>
    /// Makes one read return a value that was provably overwritten before the read began: its only writer finished,
    /// then another known write, delete or successful CAS ran entirely between that writer and the read.
    /// </summary>
    public static (RecordedHistory History, OperationRecord Mutated) WithStaleRead(RecordedHistory history, int seed)
    {
        var records = history.Operations;
        var overwritten = records.Where(record => SetsValue(record) is not null)
            .Select(writer => (writer, since: records
                .Where(change => change.Key == writer.Key && Changes(change) && change.InvokeTimestamp > writer.ReturnTimestamp)
                .Select(change => change.ReturnTimestamp!.Value)
                .DefaultIfEmpty(long.MaxValue)
                .Min()))
            .ToArray();
        var options = (
            from read in records
            where read is { Operation: ReadOp, Result: ReadValue }
            from old in overwritten
            where old.writer.Key == read.Key && old.since < read.InvokeTimestamp && SetsValue(old.writer) != ((ReadValue)read.Result!).Value
            select (read, value: SetsValue(old.writer)!)).ToArray();
        var (target, stale) = options[new Random(seed).Next(options.Length)];
        var mutated = target with { Result = new ReadValue(stale) };
        return (history with { Operations = [.. records.Select(record => record.Id == target.Id ? mutated : record)] }, mutated);
    }

    /// <summary>The value a known write or successful CAS set (values are unique, so it has no other writer).</summary>
    private static string? SetsValue(OperationRecord record) => (record.Operation, record.Result) switch
    {
        (WriteOp write, Acknowledged) => write.Value,
        (CasOp cas, CasOutcome { Swapped: true }) => cas.New,
        _ => null,
    };

    private static bool Changes(OperationRecord record) =>
        SetsValue(record) is not null || record is { Operation: DeleteOp, Result: Acknowledged };
}
