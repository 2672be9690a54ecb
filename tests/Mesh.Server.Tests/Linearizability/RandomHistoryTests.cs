using Xunit.Abstractions;

namespace Mesh.Server.Tests.Linearizability;

public sealed class RandomHistoryTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(60);

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 12)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Simulated_register_histories_are_linearizable(int seed)
    {
        var history = RegisterSimulation.Generate(seed, operations: 600, clients: 8, keys: 3, unknownRate: 0.05);

        var result = new LinearizabilityChecker().Check(history, Budget);

        Assert.True(result.Ok, result.Explanation);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_stale_read_in_a_simulated_history_is_found(int seed)
    {
        var (history, mutated) = RegisterSimulation.WithStaleRead(
            RegisterSimulation.Generate(seed, operations: 600, clients: 8, keys: 3, unknownRate: 0.05), seed);

        var result = new LinearizabilityChecker().Check(history, Budget);
        output.WriteLine(result.Explanation);

        Assert.True(result.Verdict == Verdict.Violation, result.Explanation);
        Assert.Equal(mutated.Key, result.Key);
        Assert.Contains($"#{mutated.Id} client {mutated.ClientId}: Read -> {mutated.Result}", result.Explanation);
    }

    [Theory]
    [InlineData(false, 0.25)]
    [InlineData(false, 0.5)]
    [InlineData(true, 0.3)]
    [InlineData(true, 0.6)]
    public void Checker_agrees_with_brute_force_on_small_histories(bool uniqueValues, double unknownRate)
    {
        var random = new Random(uniqueValues ? 7 : 11);
        var verdicts = new int[2];
        for (var round = 0; round < 3000; round++)
        {
            var history = uniqueValues
                ? Perturb(RegisterSimulation.Generate(random.Next(), random.Next(1, 11), 4, 1, unknownRate, maxLatency: 8), random)
                : Arbitrary(random, unknownRate);

            var expected = BruteForceLinearizability.IsLinearizable(history.Operations);
            var result = new LinearizabilityChecker().Check(history, Budget);

            Assert.True(result.Verdict == (expected ? Verdict.Linearizable : Verdict.Violation),
                $"Round {round}: brute force says {(expected ? "linearizable" : "violation")}, checker says {result}\n" +
                string.Join("\n", history.Operations.Select(record => OperationFormat.Operation(record, 0, 1000))));
            verdicts[expected ? 1 : 0]++;
        }
        // Both outcomes must be well represented, or the comparison proves little.
        Assert.All(verdicts, count => Assert.True(count > 150, $"violations/linearizable: {verdicts[0]}/{verdicts[1]}"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Explanations_isolate_operations_that_really_conflict(bool uniqueValues)
    {
        var random = new Random(uniqueValues ? 5 : 3);
        var explained = 0;
        for (var round = 0; round < 3000; round++)
        {
            var history = uniqueValues
                ? Perturb(RegisterSimulation.Generate(random.Next(), random.Next(1, 11), 4, 1, 0.3, maxLatency: 8), random)
                : Arbitrary(random, 0.3);
            if (BruteForceLinearizability.IsLinearizable(history.Operations))
            {
                continue;
            }

            var (moment, culprits, minimal) =
                ViolationExplainer.Isolate([.. history.Operations], long.MaxValue, SearchBudget.Start(TimeProvider.System, Budget), Budget);

            var context = string.Join("\n", history.Operations.Select(record => OperationFormat.Operation(record, 0, 1000)));
            Assert.True(minimal, context);
            Assert.False(BruteForceLinearizability.IsLinearizable(culprits), context);
            var earlier = history.Operations
                .Where(record => record.ReturnTimestamp < moment && !record.IsUnknown)
                .Select(record => record.ReturnTimestamp!.Value);
            if (earlier.Any())
            {
                var cut = earlier.Max();
                List<OperationRecord> before = [.. history.Operations.Where(record => record.InvokeTimestamp <= cut)
                    .Select(record => record.ReturnTimestamp > cut ? record with { Result = null } : record)];
                Assert.True(BruteForceLinearizability.IsLinearizable(before), $"Already violating by {cut}:\n{context}");
            }
            explained++;
        }
        Assert.True(explained > 300, $"only {explained} violations");
    }

    /// <summary>Changes one known result of a simulated history half the time.</summary>
    private static RecordedHistory Perturb(RecordedHistory history, Random random)
    {
        var known = history.Operations.Where(record => !record.IsUnknown && record.Operation is ReadOp or CasOp).ToArray();
        if (known.Length == 0 || random.Next(2) == 0)
        {
            return history;
        }
        var target = known[random.Next(known.Length)];
        var values = history.Operations.Select(record => record.Operation).OfType<WriteOp>()
            .Select(write => (string?)write.Value).Append(null).ToArray();
        var changed = target with
        {
            Result = target.Result is CasOutcome cas ? new CasOutcome(!cas.Swapped) : new ReadValue(values[random.Next(values.Length)]),
        };
        return history with { Operations = [.. history.Operations.Select(record => record.Id == target.Id ? changed : record)] };
    }

    /// <summary>Random operations, results and overlapping intervals over three values that repeat.</summary>
    private static RecordedHistory Arbitrary(Random random, double unknownRate)
    {
        string? Value() => random.Next(4) switch { 0 => null, var n => ((char)('a' + n - 1)).ToString() };
        var records = new List<OperationRecord>();
        for (var id = random.Next(1, 10); id > 0; id--)
        {
            var invoked = random.Next(0, 12);
            long returned = invoked + random.Next(0, 6);
            var unknown = random.NextDouble() < unknownRate;
            (RegisterOp op, RegisterResult result) = random.Next(4) switch
            {
                0 => ((RegisterOp)new ReadOp(), (RegisterResult)new ReadValue(Value())),
                1 => (new WriteOp(Value() ?? "a"), new Acknowledged()),
                2 => (new CasOp(Value(), Value() ?? "b"), new CasOutcome(random.Next(2) == 0)),
                _ => (new DeleteOp(), new Acknowledged()),
            };
            records.Add(new OperationRecord(records.Count, random.Next(3), "k", op, invoked, returned, unknown ? null : result));
        }
        return new RecordedHistory(records, 1000);
    }
}
