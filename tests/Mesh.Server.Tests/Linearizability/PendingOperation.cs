namespace Mesh.Server.Tests.Linearizability;

/// <summary>An invoked operation; finish it exactly once with <see cref="Complete"/> or <see cref="Unknown"/>.</summary>
public sealed class PendingOperation
{
    private readonly TimeProvider _time;
    private readonly long _invoked;
    // Set once, atomically, so a concurrent snapshot sees either no outcome or a whole one.
    private Outcome? _outcome;

    internal PendingOperation(TimeProvider time, int id, int clientId, string key, RegisterOp operation, long invoked)
    {
        _time = time;
        Id = id;
        ClientId = clientId;
        Key = key;
        Operation = operation;
        _invoked = invoked;
    }

    public int Id { get; }
    public int ClientId { get; }
    public string Key { get; }
    public RegisterOp Operation { get; }

    /// <summary>The server answered with <paramref name="result"/> (its kind must match the operation).</summary>
    public void Complete(RegisterResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!Operation.Accepts(result))
        {
            throw new ArgumentException($"A {Operation} cannot complete with {result.GetType().Name}.", nameof(result));
        }
        Finish(result);
    }

    /// <summary>Timeout, connection failure or an error reply after which the operation may or may not have taken effect.</summary>
    public void Unknown() => Finish(null);

    internal OperationRecord ToRecord()
    {
        var outcome = Volatile.Read(ref _outcome);
        return new(Id, ClientId, Key, Operation, _invoked, outcome?.Returned, outcome?.Result);
    }

    private void Finish(RegisterResult? result)
    {
        if (Interlocked.CompareExchange(ref _outcome, new Outcome(_time.GetTimestamp(), result), null) is not null)
        {
            throw new InvalidOperationException($"Operation #{Id} was already finished.");
        }
    }

    private sealed record Outcome(long Returned, RegisterResult? Result);
}
