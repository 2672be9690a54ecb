namespace Mesh.Server.Tests.Linearizability;

public sealed class HistoryRecorderTests
{
    [Fact]
    public void Records_operations_with_their_invocation_and_return_times()
    {
        var clock = new ManualTimeProvider();
        var recorder = new HistoryRecorder(clock);
        var start = clock.GetTimestamp();

        var write = recorder.Invoke(1, "k", new WriteOp("a"));
        clock.Advance(TimeSpan.FromMilliseconds(2));
        var read = recorder.Invoke(2, "k", new ReadOp());
        clock.Advance(TimeSpan.FromMilliseconds(3));
        write.Complete(new Acknowledged());
        read.Complete(new ReadValue(null));

        var history = recorder.Snapshot();
        var ms = TimeSpan.TicksPerMillisecond;
        Assert.Equal(clock.TimestampFrequency, history.TimestampFrequency);
        Assert.Equal(
            [
                new OperationRecord(0, 1, "k", new WriteOp("a"), start, start + 5 * ms, new Acknowledged()),
                new OperationRecord(1, 2, "k", new ReadOp(), start + 2 * ms, start + 5 * ms, new ReadValue(null)),
            ],
            history.Operations);
    }

    [Fact]
    public void Unfinished_and_given_up_operations_are_unknown()
    {
        var clock = new ManualTimeProvider();
        var recorder = new HistoryRecorder(clock);
        var start = clock.GetTimestamp();

        var timedOut = recorder.Invoke(1, "k", new CasOp(null, "a"));
        recorder.Invoke(2, "k", new DeleteOp());
        clock.Advance(TimeSpan.FromSeconds(1));
        timedOut.Unknown();

        var operations = recorder.Snapshot().Operations;
        Assert.Equal(new OperationRecord(0, 1, "k", new CasOp(null, "a"), start, start + TimeSpan.TicksPerSecond, null), operations[0]);
        Assert.Equal(new OperationRecord(1, 2, "k", new DeleteOp(), start, null, null), operations[1]);
        Assert.All(operations, operation => Assert.True(operation.IsUnknown));
    }

    [Fact]
    public void An_operation_finishes_once_with_a_result_of_its_kind()
    {
        var recorder = new HistoryRecorder(new ManualTimeProvider());
        var cas = recorder.Invoke(1, "k", new CasOp("a", "b"));

        var wrongKind = Assert.Throws<ArgumentException>(() => cas.Complete(new ReadValue("a")));
        cas.Complete(new CasOutcome(false));
        var twice = Assert.Throws<InvalidOperationException>(cas.Unknown);

        Assert.StartsWith("A Cas(\"a\" -> \"b\") cannot complete with ReadValue.", wrongKind.Message);
        Assert.Equal("Operation #0 was already finished.", twice.Message);
        Assert.Equal(new CasOutcome(false), recorder.Snapshot().Operations[0].Result);
    }

    [Fact]
    public async Task Concurrent_clients_of_an_atomic_register_record_a_linearizable_history()
    {
        var recorder = new HistoryRecorder();
        var register = new AtomicRegister();
        const int Clients = 16;
        const int OperationsPerClient = 250;

        await Task.WhenAll(Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            var random = new Random(client);
            for (var i = 0; i < OperationsPerClient; i++)
            {
                var key = $"k{random.Next(2)}";
                RegisterOp op = random.Next(4) switch
                {
                    0 => new WriteOp($"{client}-{i}"),
                    1 => new CasOp(register.Read(key), $"{client}-{i}"),
                    2 when i % 10 == 0 => new DeleteOp(),
                    _ => new ReadOp(),
                };
                var pending = recorder.Invoke(client, key, op);
                // Yielding lets other clients run between invocation, effect and completion.
                await Task.Yield();
                var result = register.Apply(key, op);
                await Task.Yield();
                pending.Complete(result);
            }
        })));

        var history = recorder.Snapshot();
        Assert.Equal(Enumerable.Range(0, Clients * OperationsPerClient), history.Operations.Select(operation => operation.Id));
        Assert.All(history.Operations, operation => Assert.True(operation.ReturnTimestamp >= operation.InvokeTimestamp));
        var result = new LinearizabilityChecker().Check(history, TimeSpan.FromSeconds(60));
        Assert.True(result.Ok, result.Explanation);
    }

    /// <summary>A lock-protected register per key: the simplest real linearizable store.</summary>
    private sealed class AtomicRegister
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, string> _values = [];

        public string? Read(string key)
        {
            lock (_gate)
            {
                return _values.GetValueOrDefault(key);
            }
        }

        public RegisterResult Apply(string key, RegisterOp op)
        {
            lock (_gate)
            {
                var current = _values.GetValueOrDefault(key);
                switch (op)
                {
                    case WriteOp write:
                        _values[key] = write.Value;
                        return new Acknowledged();
                    case DeleteOp:
                        _values.Remove(key);
                        return new Acknowledged();
                    case CasOp cas when cas.Expected == current:
                        _values[key] = cas.New;
                        return new CasOutcome(true);
                    case CasOp:
                        return new CasOutcome(false);
                    default:
                        return new ReadValue(current);
                }
            }
        }
    }
}
