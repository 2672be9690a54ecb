using System.Diagnostics;
using Xunit.Abstractions;

namespace Mesh.Server.Tests.Linearizability;

/// <summary>
/// Histories the size of a cluster run: 2000 operations on one key from 16 concurrent clients, some unknown. The tests
/// assert verdicts, not times (shared test machines vary too much); the times go to the test output.
/// </summary>
public sealed class CheckerPerformanceTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.05)]
    [InlineData(0.2)]
    public void Large_linearizable_history_is_accepted(double unknownRate)
    {
        var history = RegisterSimulation.Generate(seed: 2000, operations: 2000, clients: 16, keys: 1, unknownRate);

        var result = Timed(history);

        Assert.True(result.Verdict == Verdict.Linearizable, result.Explanation);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.05)]
    public void Large_history_with_one_stale_read_is_rejected(double unknownRate)
    {
        var (history, mutated) = RegisterSimulation.WithStaleRead(
            RegisterSimulation.Generate(seed: 2000, operations: 2000, clients: 16, keys: 1, unknownRate), seed: 1);

        var result = Timed(history);

        Assert.True(result.Verdict == Verdict.Violation, result.Explanation);
        Assert.Equal(mutated.Key, result.Key);
        // Every cut before the stale read returned is linearizable (the rest is a real register's history).
        Assert.Contains($", when #{mutated.Id} returned, no valid order exists.", result.Explanation);
    }

    private LinearizabilityResult Timed(RecordedHistory history)
    {
        var watch = Stopwatch.StartNew();
        var result = new LinearizabilityChecker().Check(history, Budget);
        var unknown = history.Operations.Count(operation => operation.IsUnknown);
        output.WriteLine($"{result.Verdict} in {watch.Elapsed.TotalMilliseconds:F0} ms with {unknown} unknown operations:");
        output.WriteLine(result.Explanation);
        return result;
    }
}
