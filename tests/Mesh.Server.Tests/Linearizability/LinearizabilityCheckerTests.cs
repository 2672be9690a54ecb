using Xunit.Abstractions;

namespace Mesh.Server.Tests.Linearizability;

public sealed class LinearizabilityCheckerTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(30);

    private LinearizabilityResult Check(HistoryBuilder history)
    {
        var result = new LinearizabilityChecker().Check(history.Build(), Budget);
        output.WriteLine(result.Explanation);
        return result;
    }

    private void AssertLinearizable(HistoryBuilder history)
    {
        var result = Check(history);
        Assert.True(result.Verdict == Verdict.Linearizable, result.Explanation);
        Assert.True(result.Ok);
    }

    private LinearizabilityResult AssertViolation(HistoryBuilder history, string key = "k")
    {
        var result = Check(history);
        Assert.True(result.Verdict == Verdict.Violation, result.Explanation);
        Assert.False(result.Ok);
        Assert.Equal(key, result.Key);
        return result;
    }

    [Fact]
    public void Empty_history_is_linearizable() => AssertLinearizable(new HistoryBuilder());

    [Fact]
    public void Sequential_history_is_linearizable() => AssertLinearizable(new HistoryBuilder()
        .Read(1, 0, 1, null)
        .Write(1, 2, 3, "a")
        .Read(2, 4, 5, "a")
        .Cas(1, 6, 7, "a", "b", swapped: true)
        .Cas(2, 8, 9, "a", "c", swapped: false)
        .Read(1, 10, 11, "b")
        .Delete(2, 12, 13)
        .Read(1, 14, 15, null)
        .Cas(1, 16, 17, null, "d", swapped: true)
        .Read(2, 18, 19, "d"));

    [Theory]
    [InlineData("a")]
    [InlineData("b")]
    public void Read_after_overlapping_writes_may_see_either(string seen) => AssertLinearizable(new HistoryBuilder()
        .Write(1, 0, 10, "a")
        .Write(2, 1, 9, "b")
        .Read(3, 11, 12, seen));

    [Theory]
    [InlineData(null)]
    [InlineData("a")]
    public void Read_concurrent_with_a_write_may_see_old_or_new(string? seen) => AssertLinearizable(new HistoryBuilder()
        .Read(1, 0, 10, seen)
        .Write(2, 4, 6, "a"));

    [Fact]
    public void Reads_cannot_flip_back_while_overlapping_writes_settle() => AssertViolation(new HistoryBuilder()
        .Write(1, 0, 10, "a")
        .Write(2, 0, 10, "b")
        .Read(3, 11, 12, "a")
        .Read(3, 13, 14, "b"));

    [Fact]
    public void Stale_read_after_a_completed_write_is_a_violation() => AssertViolation(new HistoryBuilder()
        .Write(1, 0, 1, "a")
        .Write(2, 2, 3, "b")
        .Read(1, 4, 5, "a"));

    [Fact]
    public void Reading_a_value_never_written_is_a_violation() => AssertViolation(new HistoryBuilder()
        .Write(1, 0, 1, "a")
        .Read(2, 2, 3, "z"));

    [Fact]
    public void Reading_a_value_before_its_write_was_invoked_is_a_violation() => AssertViolation(new HistoryBuilder()
        .Read(1, 0, 1, "a")
        .Write(2, 2, 3, "a"));

    [Fact]
    public void Lost_acknowledged_write_is_a_violation() => AssertViolation(new HistoryBuilder()
        .Read(1, 0, 1, null)
        .Write(1, 2, 3, "a")
        .Read(2, 4, 5, null));

    [Fact]
    public void Unknown_write_later_observed_is_linearizable() => AssertLinearizable(new HistoryBuilder()
        .Write(1, 0, 1, "a")
        .Unknown(2, 2, 3, new WriteOp("b"))
        .Read(1, 10, 11, "a")
        .Read(1, 20, 21, "b")
        .Read(3, 22, 23, "b"));

    [Fact]
    public void Unknown_write_never_observed_is_linearizable() => AssertLinearizable(new HistoryBuilder()
        .Write(1, 0, 1, "a")
        .Unknown(2, 2, 3, new WriteOp("b"))
        .Unknown(3, 2, 3, new DeleteOp())
        .Read(1, 10, 11, "a")
        .Read(1, 20, 21, "a"));

    [Fact]
    public void Unknown_write_takes_effect_at_most_once() => AssertViolation(new HistoryBuilder()
        .Write(1, 0, 1, "a")
        .Unknown(2, 2, 3, new WriteOp("b"))
        .Read(1, 10, 11, "b")
        .Read(1, 20, 21, "a"));

    [Fact]
    public void Unknown_write_cannot_be_observed_before_its_invocation() => AssertViolation(new HistoryBuilder()
        .Read(1, 0, 1, "b")
        .Unknown(2, 2, 3, new WriteOp("b")));

    [Fact]
    public void Unknown_write_can_explain_a_failed_cas() => AssertLinearizable(new HistoryBuilder()
        .Write(1, 0, 1, "a")
        .Unknown(2, 2, 3, new WriteOp("b"))
        .Cas(1, 4, 5, "a", "c", swapped: false)
        .Write(3, 6, 7, "d")
        .Read(1, 8, 9, "d"));

    [Fact]
    public void Unknown_reads_do_not_constrain_anything() => AssertLinearizable(new HistoryBuilder()
        .Unknown(1, 0, 5, new ReadOp())
        .Write(2, 1, 2, "a")
        .Unknown(3, 3, 4, new ReadOp()));

    [Fact]
    public void Successful_cas_sets_the_value() => AssertLinearizable(new HistoryBuilder()
        .Write(1, 0, 1, "a")
        .Cas(2, 2, 3, "a", "b", swapped: true)
        .Read(1, 4, 5, "b"));

    [Fact]
    public void Cas_that_fails_on_the_expected_value_is_a_violation() => AssertViolation(new HistoryBuilder()
        .Write(1, 0, 1, "a")
        .Cas(2, 2, 3, "a", "b", swapped: false));

    [Fact]
    public void Cas_that_succeeds_on_another_value_is_a_violation() => AssertViolation(new HistoryBuilder()
        .Write(1, 0, 1, "a")
        .Cas(2, 2, 3, "x", "b", swapped: true));

    [Fact]
    public void Cas_expecting_absent_succeeds_only_on_absent() => AssertViolation(new HistoryBuilder()
        .Delete(1, 0, 1)
        .Cas(1, 2, 3, null, "a", swapped: true)
        .Cas(2, 4, 5, null, "b", swapped: true));

    [Fact]
    public void Two_concurrent_cas_from_the_same_value_cannot_both_succeed() => AssertViolation(new HistoryBuilder()
        .Write(1, 0, 1, "a")
        .Cas(2, 2, 10, "a", "b", swapped: true)
        .Cas(3, 2, 10, "a", "c", swapped: true));

    [Theory]
    [InlineData("b")]
    [InlineData("c")]
    public void Two_concurrent_cas_from_the_same_value_one_wins(string winner) => AssertLinearizable(new HistoryBuilder()
        .Write(1, 0, 1, "a")
        .Cas(2, 2, 10, "a", "b", swapped: winner == "b")
        .Cas(3, 2, 10, "a", "c", swapped: winner == "c")
        .Read(1, 11, 12, winner));

    [Fact]
    public void Deleted_value_cannot_be_read_again() => AssertViolation(new HistoryBuilder()
        .Write(1, 0, 1, "a")
        .Delete(2, 2, 3)
        .Read(1, 4, 5, "a"));

    [Fact]
    public void Keys_are_independent_registers() => AssertLinearizable(new HistoryBuilder()
        .Write(1, 0, 1, "1", key: "x")
        .Write(2, 2, 3, "2", key: "y")
        .Read(1, 4, 5, "1", key: "x")
        .Read(2, 6, 7, "2", key: "y"));

    [Fact]
    public void Violation_names_the_violating_key() => AssertViolation(new HistoryBuilder()
        .Write(1, 0, 1, "1", key: "x")
        .Write(2, 2, 3, "2", key: "y")
        .Read(1, 4, 5, "1", key: "x")
        .Read(2, 6, 7, null, key: "y"), key: "y");

    [Fact]
    public void Explanation_names_only_the_operations_that_conflict()
    {
        var history = new HistoryBuilder()
            .Write(1, 0, 1, "a")        // #0
            .Read(2, 2, 3, "a")         // #1
            .Write(3, 4, 5, "b")        // #2
            .Read(1, 6, 7, "b")         // #3
            .Read(2, 8, 9, "a")         // #4 stale: b was acknowledged before it started
            .Write(1, 10, 11, "c")      // #5 later noise
            .Read(3, 12, 13, "c");      // #6

        var explanation = AssertViolation(history).Explanation;

        Assert.Contains("By 9.000 ms, when #4 returned, no valid order exists. These 3 operations", explanation);
        Assert.Contains("#0 client 1: Write(\"a\") -> ok  [0.000 ms, 1.000 ms]", explanation);
        Assert.Contains("#2 client 3: Write(\"b\") -> ok  [4.000 ms, 5.000 ms]", explanation);
        Assert.Contains("#4 client 2: Read -> \"a\"  [8.000 ms, 9.000 ms]", explanation);
        Assert.Contains("#4 Read -> \"a\" must take effect next but cannot: the register holds \"b\"", explanation);
        foreach (var noise in new[] { "#1 ", "#3 ", "#5 ", "#6 " })
        {
            Assert.DoesNotContain(noise, explanation);
        }
    }

    [Fact]
    public void Unknown_write_invoked_earlier_can_take_effect_later() => AssertLinearizable(new HistoryBuilder()
        .Unknown(3, 0, 2, new WriteOp("a"))
        .Write(1, 0, 1, "b")
        .Read(2, 2, 3, "b")
        .Read(1, 4, 5, "a"));

    [Fact]
    public void Operations_still_running_when_the_violation_became_certain_are_shown_without_their_result()
    {
        var explanation = AssertViolation(new HistoryBuilder()
            .Write(1, 0, 1, "a")
            .Write(2, 2, 3, "b")
            .Read(1, 4, 5, "a")
            .Cas(3, 4, 50, "z", "a", swapped: false)
            .Read(1, 60, 61, "b")).Explanation;

        Assert.Contains("By 5.000 ms, when #2 returned, no valid order exists. These 4 operations", explanation);
        Assert.Contains("#3 client 3: Cas(\"z\" -> \"a\") -> unknown  [4.000 ms, no reply]", explanation);
        Assert.DoesNotContain("#4 ", explanation);
    }

    [Fact]
    public void Exhausted_budget_is_undetermined_not_a_violation()
    {
        var history = new HistoryBuilder().Write(1, 0, 1, "a").Read(2, 2, 3, "a").Build();

        var result = new LinearizabilityChecker().Check(history, TimeSpan.Zero);

        Assert.Equal(Verdict.Undetermined, result.Verdict);
        Assert.False(result.Ok);
        Assert.Equal("k", result.Key);
        Assert.StartsWith("Undetermined", result.Explanation);
    }

    [Fact]
    public void Result_of_the_wrong_kind_is_rejected()
    {
        var history = new RecordedHistory([new OperationRecord(0, 1, "k", new ReadOp(), 0, 1, new Acknowledged())], 1000);

        var error = Assert.Throws<ArgumentException>(() => new LinearizabilityChecker().Check(history, Budget));

        Assert.Equal("Operation #0 is a Read but completed with Acknowledged.", error.Message);
    }
}
